"""One error body for every API failure: {"error": {"code", "message", "fields"?}}."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Tidak ditemukan."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    body: dict[str, Any] = {"code": code}
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body["message"] = _("Periksa isian yang ditandai.")
        body["fields"] = data if isinstance(data, dict) else {"non_field_errors": data}
    else:
        body["message"] = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
    response.data = {"error": body}
    return response
