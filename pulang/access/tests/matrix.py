"""What the permission-matrix test walks: every URL pattern and every API operation.

Kept apart from the test so a test can point it at a deliberately broken URL configuration and
prove that an undeclared view is caught.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from pulang.access.http import AUTHENTICATED, PUBLIC


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "orang/<int:person_id>/"
    name: str  # namespaced, e.g. "people:detail"
    callback: Any
    namespace: str

    @property
    def is_api(self) -> bool:
        return hasattr(self.callback, "cls")

    @property
    def kwargs(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route) and [
            a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route)
        ]


def routes(urlconf: str | None = None) -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for item in patterns:
            if isinstance(item, URLResolver):
                ns = ":".join(part for part in (namespace, item.namespace or "") if part)
                yield from walk(item.url_patterns, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                name = f"{namespace}:{item.name}" if namespace and item.name else item.name or ""
                yield Route(prefix + str(item.pattern), name, item.callback, namespace)

    yield from walk(get_resolver(urlconf).url_patterns, "", "")


def page_capability(route: Route) -> Any:
    return getattr(route.callback, "pulang_capability", None)


def api_capabilities(route: Route) -> dict[str, Any]:
    """{http method: declared capability or None} for a DRF route."""
    cls = route.callback.cls
    actions: dict[str, str] = getattr(route.callback, "actions", None) or {}
    by_action = getattr(cls, "capabilities", None) or {}
    result: dict[str, Any] = {}
    if actions:
        for method, action in actions.items():
            result[method.upper()] = by_action.get(action, getattr(cls, "capability", None))
    else:
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(cls, method):
                result[method.upper()] = getattr(cls, "capability", None)
    return result


def undeclared(urlconf: str | None = None) -> list[str]:
    """Every route (and API method) that does not say what it needs."""
    missing = []
    for route in routes(urlconf):
        if route.namespace.split(":")[0] == "admin":
            continue  # the admin site checks its own capability (PulangAdminSite)
        if route.is_api:
            missing += [
                f"{method} /{route.route}"
                for method, cap in api_capabilities(route).items()
                if cap is None
            ]
        elif page_capability(route) is None:
            missing.append(f"/{route.route} ({route.name or 'unnamed'})")
    return missing


def is_open(capability: Any) -> bool:
    return capability in {PUBLIC, AUTHENTICATED}
