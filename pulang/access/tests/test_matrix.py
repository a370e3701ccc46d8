"""The permission matrix: every page and API operation × every role (and anonymous) × a record
in scope and one out of scope. A view that declares nothing fails here before it can ship."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from pulang.access.http import AUTHENTICATED, PUBLIC
from pulang.access.roles import Capability, Role, capabilities_of
from pulang.api.services import api_token_create
from pulang.audit.models import AuditEvent

from .matrix import Route, api_capabilities, page_capability, routes, undeclared
from .world import World, matrix_world

CALLERS: list[str | None] = [None, *[role.value for role in Role]]
PAGE_ROUTES = [r for r in routes() if not r.is_api and r.namespace.split(":")[0] != "admin"]
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
API_OPERATIONS = [
    (path, method.upper())
    for path, item in SCHEMA["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]


@pytest.fixture(scope="module")
def shared_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One world for the module's nine hundred cases, built once inside a transaction that is
    rolled back when the module is done. Each test runs in a savepoint within it (the `db`
    fixture), so what one request writes is gone before the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield matrix_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world: World, db: Any) -> World:
    return shared_world


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def assert_nothing_leaked(
    body: str, world: World, caps: frozenset[Capability], *, revealed_in_scope: bool
) -> None:
    for secret in (
        world.outside.full_name,
        world.outside.nik,
        world.outside.health_notes,
        world.outside.trafficking_account,
    ):
        assert secret not in body, f"out-of-scope data leaked: {secret!r}"
    if Capability.PERSON_VIEW not in caps:
        assert world.inside.full_name not in body, "a name shown to a role that sees no names"
    if Capability.SENSITIVE_VIEW not in caps:
        assert world.inside.health_notes not in body
        assert world.inside.trafficking_account not in body
    if not revealed_in_scope:
        assert world.inside.nik not in body, "an identity number shown without a reveal"


def denials() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()


def test_every_view_and_api_operation_declares_what_it_needs():
    assert undeclared() == []


def test_an_undeclared_view_or_endpoint_is_caught():
    assert undeclared("pulang.access.tests.undeclared_urls") == [
        "/naked/ (naked)",
        "GET /api/naked/",
    ]


def test_every_api_route_is_in_the_openapi_document():
    documented = {re.sub(r"\{[^}]+\}", "1", path) for path in SCHEMA["paths"]}
    for route in routes():
        if not route.is_api or route.name == "api:openapi":
            continue
        url = reverse(route.name, kwargs=dict.fromkeys(route.kwargs, "1"))
        assert url in documented, f"{url} is served but missing from the OpenAPI document"


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda r: r.name or r.route)
def test_page_matrix(route: Route, caller: str | None, world: World, client, login_verified):
    capability = page_capability(route)
    user = world.users[caller] if caller else None
    caps = capabilities_of([caller]) if caller else frozenset()
    if user is not None:
        login_verified(client, user)
    scopes = ["in", "out"] if route.kwargs else ["none"]
    for method in route.callback.pulang_methods:
        for scope in scopes:
            url = reverse(route.name, kwargs=world.kwargs_for(route.kwargs, scope, caller))
            before = denials()
            events_before = AuditEvent.objects.count()
            response = client.generic(method, url)
            status = response.status_code
            where = f"{method} {url} as {caller or 'anonymous'}"
            allowed = capability == PUBLIC or (
                user is not None and (capability == AUTHENTICATED or capability in caps)
            )
            if user is None and not allowed:
                assert status == 302 and "/akun/masuk/" in response["Location"], where
            elif not allowed:
                assert status == 403, where
                assert denials() == before + 1, f"{where}: denial not audited"
            elif scope == "out":
                assert status == 404, where
                assert denials() == before + 1, f"{where}: out-of-scope attempt not audited"
            else:
                assert status < 400, f"{where}: {status}"
                if scope == "in" and method == "GET":
                    # Every page about a record in scope shows personal data.
                    assert AuditEvent.objects.count() > events_before, f"{where}: not audited"
            assert_nothing_leaked(
                body_of(response),
                world,
                caps,
                revealed_in_scope=allowed and scope == "in" and route.name == "people:reveal",
            )


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("operation", API_OPERATIONS, ids=lambda op: f"{op[1]} {op[0]}")
def test_api_matrix(operation: tuple[str, str], caller: str | None, world: World, client):
    path, method = operation
    names = re.findall(r"\{(\w+)\}", path)
    user = world.systems[caller] if caller else None
    caps = capabilities_of([caller]) if caller else frozenset()
    headers = {}
    if user is not None:
        headers["Authorization"] = "Bearer " + api_token_create(actor=None, user=user, name="m")
    for scope in ["in", "out"] if names else ["none"]:
        url = path
        for name, value in world.kwargs_for(names, scope).items():
            url = url.replace("{" + name + "}", str(value))
        match = resolve(url)
        route = Route(url, match.view_name, match.func, "api")
        capability = api_capabilities(route)[method]
        assert capability is not None, f"{method} {path} declares no capability"
        before = denials()
        response = client.generic(method, url, headers=headers)
        status = response.status_code
        where = f"{method} {url} as {caller or 'anonymous'}"
        allowed = capability == PUBLIC or (
            user is not None and (capability == AUTHENTICATED or capability in caps)
        )
        if user is None and not allowed:
            assert status == 401, where
            assert response.json()["error"]["code"] == "not_authenticated"
        elif not allowed:
            assert status == 403, where
            assert denials() == before + 1, f"{where}: denial not audited"
        elif scope == "out":
            assert status == 404, where
            assert denials() == before + 1, f"{where}: out-of-scope attempt not audited"
        elif method != "GET":
            # The matrix sends no body: a write may refuse it as invalid, never fail otherwise.
            assert 200 <= status < 300 or status == 400, f"{where}: {status}"
        else:
            assert 200 <= status < 300, f"{where}: {status} {body_of(response)[:200]}"
        assert_nothing_leaked(
            body_of(response),
            world,
            caps,
            revealed_in_scope=allowed and scope == "in" and path.endswith("/reveal/"),
        )


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
def test_admin_site_only_for_verified_administrators(caller, world, client, login_verified):
    if caller:
        login_verified(client, world.users[caller])
    response = client.get(reverse("admin:index"))
    if caller == Role.ADMINISTRATOR:
        assert response.status_code == 200
        assert "/admin/people/" not in body_of(response), "personal data must not be in admin"
        assert reverse("admin:accounts_user_changelist") in body_of(response)
    else:
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
