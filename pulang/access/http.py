"""How views declare what they need, and how they answer when it is missing.

Every URL pattern's view carries `pulang_capability` (a Capability, PUBLIC or AUTHENTICATED)
and `pulang_methods`; the permission-matrix test fails for any view without them.
"""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, Final

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed

from .roles import Capability

PUBLIC: Final = "public"
AUTHENTICATED: Final = "authenticated"

ViewFunc = Callable[..., HttpResponseBase]


def record_denial(request: Any, *, object_type: str, object_id: str, summary: str) -> None:
    from pulang.audit.models import AuditEvent
    from pulang.audit.services import audit_record

    audit_record(
        actor=request.user,
        action=AuditEvent.Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
    )


def declare(
    capability: Capability | str, *, methods: Sequence[str] = ("GET",)
) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce what a view needs: anonymous users go to the login page, users
    without the capability get 403 (and an audit event)."""
    allowed = tuple(methods)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            method = "GET" if request.method == "HEAD" else (request.method or "GET")
            if method not in allowed:
                return HttpResponseNotAllowed(allowed)
            if capability != PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if capability != AUTHENTICATED and not request.user.has_capability(
                    Capability(capability)
                ):
                    record_denial(
                        request,
                        object_type="view",
                        object_id=request.resolver_match.view_name
                        if request.resolver_match
                        else "",
                        summary=f"missing capability {capability}",
                    )
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.pulang_capability = capability  # type: ignore[attr-defined]
        wrapped.pulang_methods = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator


def visible_or_404[M: Model](request: Any, visible: QuerySet[M], pk: Any) -> M:
    """The object if this user may see it; otherwise exactly what a missing object gets.

    A look at an existing object outside the user's scope is recorded for the data-protection
    officer; the response does not differ.
    """
    try:
        return visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        model = visible.model
        try:
            exists = model._default_manager.filter(pk=pk).exists()
        except (ValueError, TypeError):
            exists = False
        if exists:
            record_denial(
                request,
                object_type=model._meta.label_lower,
                object_id=str(pk),
                summary="outside the user's scope",
            )
        raise Http404 from None
