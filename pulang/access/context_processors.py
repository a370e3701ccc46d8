from typing import Any

from django.http import HttpRequest


def capabilities(request: HttpRequest) -> dict[str, Any]:
    """`caps` in templates: the capability names the user holds, to show only usable links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": frozenset()}
    return {"caps": frozenset(str(cap) for cap in user.capabilities)}
