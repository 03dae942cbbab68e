"""Every URL pattern × every role: each must be declared allowed or refused, and behave so."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_USERNAMES
from core.testing import ALL_ROLES, ANONYMOUS, Rule


def named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= named_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            if entry.name:
                names.add(f"{namespace}{entry.name}")
            else:
                names.add(f"{namespace}<unnamed {entry.pattern}>")
    return names


def declared_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.tests.url_access")
        except ModuleNotFoundError as exc:
            if exc.name not in {f"{app_config.name}.tests.url_access", f"{app_config.name}.tests"}:
                raise
            continue
        rules.update(module.ACCESS)
    return rules


def test_every_url_is_declared():
    ours = named_patterns()  # the admin, sign-in and two-step pages included
    declared = {name.split("@")[0] for name in declared_rules()}
    missing = sorted(ours - declared)
    assert not missing, f"URL patterns without a permission declaration: {missing}"
    stale = sorted(declared - ours)
    assert not stale, f"declarations for URL names that do not exist: {stale}"


def _is_login_redirect(response) -> bool:  # noqa: ANN001
    return response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", "")


RULES = declared_rules()


@pytest.mark.parametrize("key", sorted(RULES))
def test_url_obeys_its_rule(key, world):  # noqa: ANN001
    rule = RULES[key]
    if rule.skip_matrix:
        pytest.skip(rule.skip_matrix)
    url = (rule.path or reverse(key.split("@")[0], kwargs=rule.kwargs(world))) + rule.query
    failures = []
    for role in (ANONYMOUS, *ALL_ROLES):
        client = Client()
        if role != ANONYMOUS:
            client.force_login(world.user(role))
        data = rule.data(world) if rule.data else None
        response = getattr(client, rule.method)(url, data) if data is not None else getattr(client, rule.method)(url)
        status = response.status_code
        if role in rule.allowed:
            ok = (200 <= status < 300) or (status in (301, 302, 303) and not _is_login_redirect(response))
        elif role == ANONYMOUS:
            ok = _is_login_redirect(response) or status in (403, 404)
        else:
            ok = status in (403, 404)
        if not ok:
            failures.append(f"{role} ({ROLE_USERNAMES.get(role, '-')}): {status} {response.get('Location', '')}")
    assert not failures, f"{key} {url}: " + "; ".join(failures)
