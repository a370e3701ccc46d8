"""Tells drf-spectacular how partner systems authenticate and what every error looks like, so
the OpenAPI document says so."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pulang.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued with `pulang api-token create` (pul_…).",
        }


# The one error body (pulang/api/errors.py), documented for every failure an operation can give.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "description": "Per-field problems, on 400"},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    401: "No token, or a malformed, unknown, revoked or expired one",
    403: "The token's roles lack the capability this operation needs",
    404: "Not found, or outside the caller's scope (the two are indistinguishable)",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(ERROR_SCHEMA, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }
