"""docs/permissions.md, generated from the roles in code so the two cannot drift apart."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from .roles import (
    CAPABILITY_LABELS,
    ROLE_CAPABILITIES,
    ROLE_LABELS,
    SECOND_FACTOR_CAPABILITIES,
    Capability,
    Role,
)

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "permissions.md"


def permissions_markdown() -> str:
    with translation.override("en"):
        lines = [
            "# Permissions",
            "",
            "Generated from `pulang/access/roles.py` by `pulang permissions-doc`; a test fails",
            "when this file and the code disagree. Scope comes on top of capabilities: a",
            "capability applies only to records of the user's own agency, or to records opened",
            "to that agency by a live access grant (handover, referral). Out of scope answers",
            "404, as if the record did not exist.",
            "",
            "A person (the registry entry: names, documents, contacts) is one record shared by",
            "every agency that registered them or owns one of their cases; each case stays its",
            "owner's. So an agency that had someone years ago sees the phone number another",
            "agency adds at their next arrival, but not that agency's case (`person_scope`).",
            "",
            "Records that name several people follow the same scope. A trip page and its",
            "manifest name only the members whose cases the reader sees; a handover record is",
            "the receiving office's, and the issuing shelter's only while it still sees every",
            "case handed over. An export's file is downloaded only by its owner, and only while",
            "the owner belongs to the agency whose list it is.",
            "",
            "## Roles × capabilities",
            "",
            "| capability | " + " | ".join(f"`{role.value}`" for role in Role) + " |",
            "|---|" + "---|" * len(Role),
        ]
        for capability in Capability:
            marks = " | ".join(
                "✔" if capability in ROLE_CAPABILITIES[role] else "" for role in Role
            )
            lines.append(f"| `{capability.value}` {CAPABILITY_LABELS[capability]} | {marks} |")
        lines += ["", "## Roles", ""]
        for role in Role:
            second = ROLE_CAPABILITIES[role] & SECOND_FACTOR_CAPABILITIES
            factor = "; logs in with a second factor (TOTP)" if second else ""
            lines.append(f"- `{role.value}`: {ROLE_LABELS[role]}{factor}")
        lines += [
            "",
            "## Declaring a view",
            "",
            "Every page declares its capability with `pulang.access.http.declare(...)`, every API",
            "view with `capability` or `capabilities = {action: ...}`. The permission-matrix test",
            "(`pulang/access/tests/test_matrix.py`) walks the URL configuration and the OpenAPI",
            "document and fails for anything undeclared, then checks every route against every",
            "role, anonymous included, with a record in scope and one out of scope.",
            "",
        ]
    return "\n".join(lines)
