from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from pulang.access.http import PUBLIC, record_denial
from pulang.access.roles import Capability


def declared_capability(view: Any) -> Capability | str | None:
    """What an API view declares for the current action: `capabilities[action]` or `capability`."""
    by_action = getattr(view, "capabilities", None)
    action = getattr(view, "action", None)
    if by_action and action in by_action:
        return by_action[action]
    return getattr(view, "capability", None)


class HasDeclaredCapability(permissions.BasePermission):
    """Fails closed: an endpoint that declares nothing answers 403 to everyone."""

    def has_permission(self, request: Request, view: Any) -> bool:
        capability = declared_capability(view)
        if capability is None:
            if not hasattr(view, (request.method or "").lower()):
                raise exceptions.MethodNotAllowed(request.method or "")
            return False
        if capability == PUBLIC:
            return True
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if capability != "authenticated" and not user.has_capability(Capability(capability)):
            record_denial(
                request,
                object_type="api",
                object_id=f"{type(view).__name__}.{getattr(view, 'action', '')}",
                summary=f"missing capability {capability}",
            )
            return False
        return True
