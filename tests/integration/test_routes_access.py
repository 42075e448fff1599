"""Every route in the URL map, against every role and scope.

A route must declare one access rule (`requires(...)` or `public`). For each role the test
expects: anonymous -> sent to sign in; a role without the permission -> 403; a role with it ->
allowed for records in its scope, and 404 for records outside it (another setting's child,
another cluster's meeting). A new route with an unknown URL parameter fails here until its
parameter is added to tests/world.ROUTE_PARAMS, so nothing new slips through unchecked.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from sendtrack import create_app
from sendtrack.models import Role
from sendtrack.permissions import Permission, role_has
from tests.conftest import sign_in
from tests.world import EMAILS, ROUTE_PARAMS, World
from tests.world_restricted import RESTRICTED_PARAMS, UNSCHEDULED_PARAMS

ACTORS: dict[str, Role | None] = {
    "anonymous": None,
    "senco": Role.SENCO,
    "lead": Role.AREA_LEAD,
    "panel": Role.PANEL_MEMBER,
    "officer": Role.LA_OFFICER,
    "admin": Role.ADMIN,
}

# Endpoints whose "own" request is expected to answer something other than the usual
# allowed codes, each with its reason. Keep this short.
SPECIAL: dict[str, str] = {}

# URL parameters that are not record ids: sample values.
PLAIN_PARAMS = {
    "filename": "css/app.css",
    "kind": "pupils",
    "token": "x",
    "fmt": "csv",
    "position": "1",
    "direction": "up",
    "status": "overdue",
    "provider": "test",  # a single sign-on provider (none configured: 404)
}


def _routes() -> list[tuple[str, str, str]]:
    app = create_app("testing")
    found = []
    for rule in app.url_map.iter_rules():
        methods = sorted(m for m in (rule.methods or set()) if m in {"GET", "POST"})
        for method in methods:
            found.append((rule.endpoint, rule.rule, method))
    return sorted(set(found))


ROUTES = _routes()


def _url(rule: str, side: int, world: World) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in PLAIN_PARAMS:
            return PLAIN_PARAMS[name]
        assert name in ROUTE_PARAMS, (
            f"URL parameter <{name}> in {rule} has no test records: add it to "
            "tests/world.ROUTE_PARAMS with an in-scope and an out-of-scope record"
        )
        return str(world[ROUTE_PARAMS[name][side]])

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule)


def _check_headers(response: object, endpoint: str, where: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    if endpoint != "static":
        # Pages and files with children's data are never cached.
        assert headers.get("Cache-Control") == "no-store", where


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "access_rule", None) is None
    ]
    assert missing == [], f"routes without requires()/public: {missing}"


def test_route_list_is_not_empty() -> None:
    assert len(ROUTES) >= 8


@pytest.mark.parametrize(("endpoint", "rule", "method"), ROUTES)
def test_route_against_every_role(
    app: Flask, world: World, endpoint: str, rule: str, method: str
) -> None:
    view = app.view_functions[endpoint]
    access = view.access_rule
    has_params = "<" in rule and not rule.startswith("/static")
    for actor, role in ACTORS.items():
        client = app.test_client()
        if role is not None:
            sign_in(client, EMAILS[actor])
        own = _url(rule, 0, world)
        response = client.open(own, method=method)
        code = response.status_code
        location = response.headers.get("Location", "")
        where = f"{method} {own} as {actor}"
        _check_headers(response, endpoint, where)
        response.close()
        assert code < 500, f"{where} -> {code}"
        if access == "public":
            continue
        if role is None:
            assert code == 302 and "/sign-in" in location, where
            continue
        if not role_has(role, Permission(access)):
            assert code == 403, f"{where} -> {code}, expected 403 (no {access})"
            continue
        if endpoint not in SPECIAL:
            assert code not in (403, 404), f"{where} -> {code}, expected to be allowed"
        if has_params:
            other = _url(rule, 1, world)
            response = client.open(other, method=method)
            response.close()
            expected_hidden = role not in (Role.LA_OFFICER, Role.ADMIN)
            if expected_hidden:
                assert response.status_code == 404, (
                    f"{method} {other} as {actor} -> {response.status_code}, expected 404"
                )
            else:
                assert response.status_code not in (403, 404, 500), (
                    f"{method} {other} as {actor} -> {response.status_code}"
                )


# Issue 19: the restricted child's records, and a decided referral that was never on an
# agenda, on every route that takes the id of such a record.
SCOPED_ROLES = ("senco", "lead", "panel")
AREA_WIDE_ROLES = ("officer", "admin")
# A route that takes a meeting as well as a referral is asked about the meeting the
# restricted child's decided referral was on.
COMPANIONS = {"meeting_id": "meeting_past_a"}


def _fill(rule: str, world: World, records: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in PLAIN_PARAMS:
            return PLAIN_PARAMS[name]
        if name in records:
            return str(world[records[name]])
        return str(world[COMPANIONS.get(name, ROUTE_PARAMS[name][0])])

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule)


def _routes_taking(params: dict[str, str]) -> list[tuple[str, str, str]]:
    return [
        route
        for route in ROUTES
        if any(name in params for name in re.findall(r"<(?:\w+:)?(\w+)>", route[1]))
    ]


def _allowed(actor: str, access: str) -> bool:
    role = ACTORS[actor]
    return access == "public" or (role is not None and role_has(role, Permission(access)))


@pytest.mark.parametrize(("endpoint", "rule", "method"), _routes_taking(RESTRICTED_PARAMS))
def test_r1_restricted_child_records_are_404_but_for_officers(
    app: Flask, world: World, endpoint: str, rule: str, method: str
) -> None:
    access = app.view_functions[endpoint].access_rule
    url = _fill(rule, world, RESTRICTED_PARAMS)
    for actor in (*SCOPED_ROLES, *AREA_WIDE_ROLES):
        if not _allowed(actor, access):
            continue
        client = app.test_client()
        sign_in(client, EMAILS[actor])
        response = client.open(url, method=method)
        response.close()
        where = f"{method} {url} as {actor} -> {response.status_code}"
        if actor in SCOPED_ROLES:
            assert response.status_code == 404, f"{where}, expected 404"
        else:
            assert response.status_code not in (403, 404, 500), where


# Routes on which the unscheduled referral is out of reach for another reason than scope.
NOT_ON_THIS_MEETING = {"panels.decide"}


@pytest.mark.parametrize(("endpoint", "rule", "method"), _routes_taking(UNSCHEDULED_PARAMS))
def test_r2_unscheduled_decided_referral_is_404_for_the_panel_member(
    app: Flask, world: World, endpoint: str, rule: str, method: str
) -> None:
    access = app.view_functions[endpoint].access_rule
    url = _fill(rule, world, UNSCHEDULED_PARAMS)
    for actor in ("panel", "lead", "senco", "officer"):
        if not _allowed(actor, access):
            continue
        client = app.test_client()
        sign_in(client, EMAILS[actor])
        response = client.open(url, method=method)
        response.close()
        where = f"{method} {url} as {actor} -> {response.status_code}"
        if actor == "panel":
            assert response.status_code == 404, f"{where}, expected 404"
        elif endpoint not in NOT_ON_THIS_MEETING:
            assert response.status_code not in (403, 404, 500), where
