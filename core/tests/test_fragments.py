"""The per-person cache of home-page panels (core.fragments)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from core import fragments
from core.fragments import panel_cache_bump, panel_cache_bump_all, panel_cache_get_or_render


class Renderer:
    """A panel render that counts its calls and shows a changeable text."""

    def __init__(self, text: str = "first", until=None):  # noqa: ANN001
        self.calls, self.text, self.until = 0, text, until

    def __call__(self):  # noqa: ANN204
        self.calls += 1
        return self.text, self.until


def test_a_second_read_comes_from_the_cache(db):
    render = Renderer()
    assert panel_cache_get_or_render("demo", 7, render) == "first"
    render.text = "second"
    assert panel_cache_get_or_render("demo", 7, render) == "first"
    assert render.calls == 1


def test_each_person_and_panel_has_its_own_entry(db):
    render = Renderer()
    panel_cache_get_or_render("demo", 7, render)
    panel_cache_get_or_render("demo", 8, render)
    panel_cache_get_or_render("other", 7, render)
    assert render.calls == 3


def test_a_bump_for_the_person_renders_again_for_them_only(db):
    render = Renderer()
    panel_cache_get_or_render("demo", 7, render)
    panel_cache_get_or_render("demo", 8, render)
    render.text = "second"
    panel_cache_bump(officer_ids=[7], panel="demo")
    assert panel_cache_get_or_render("demo", 7, render) == "second"
    assert panel_cache_get_or_render("demo", 8, render) == "first"
    assert render.calls == 3


def test_a_bump_for_everyone_renders_every_person_again(db):
    render = Renderer()
    panel_cache_get_or_render("demo", 7, render)
    panel_cache_get_or_render("demo", 8, render)
    render.text = "second"
    panel_cache_bump_all(panel="demo")
    assert panel_cache_get_or_render("demo", 7, render) == "second"
    assert panel_cache_get_or_render("demo", 8, render) == "second"


def test_the_bump_is_repeated_when_the_transaction_commits(db, django_capture_on_commit_callbacks):
    """A request that read the old rows between the write and the commit may have stored them under the
    token the write made; the token renewed on commit leaves that entry unused."""
    render = Renderer()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        panel_cache_bump(officer_ids=[7], panel="demo")
        panel_cache_get_or_render("demo", 7, render)  # rendered before the commit: old rows
    render.text = "after commit"
    for callback in callbacks:
        callback()
    assert len(callbacks) == 1
    assert panel_cache_get_or_render("demo", 7, render) == "after commit"


def test_a_lost_token_never_brings_back_an_older_entry(db):
    render = Renderer()
    panel_cache_get_or_render("demo", 7, render)
    cache.delete(fragments._person_key("demo", 7))  # evicted
    render.text = "second"
    assert panel_cache_get_or_render("demo", 7, render) == "second"


def test_language_and_day_are_part_of_the_key(db, monkeypatch):
    render = Renderer()
    with override("vi"):
        panel_cache_get_or_render("demo", 7, render)
    with override("en"):
        panel_cache_get_or_render("demo", 7, render)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(fragments.timezone, "localdate", lambda: tomorrow)
    with override("en"):
        panel_cache_get_or_render("demo", 7, render)
    assert render.calls == 3


def test_hidden_panels_are_cached_too(db):
    render = Renderer(text=None)
    assert panel_cache_get_or_render("demo", 7, render) is None
    assert panel_cache_get_or_render("demo", 7, render) is None
    assert render.calls == 1


def test_an_entry_does_not_outlive_the_moment_its_panel_changes(db):
    render = Renderer(until=timezone.now() - timedelta(seconds=1))
    panel_cache_get_or_render("demo", 7, render)
    panel_cache_get_or_render("demo", 7, render)
    assert render.calls == 2


def test_an_announced_change_by_the_clock_limits_the_entry(db, monkeypatch):
    asked = []

    def next_change(now):  # noqa: ANN001, ANN202
        asked.append(now)
        return now  # changes right now: nothing may be kept

    monkeypatch.setitem(fragments._expiry, "demo", next_change)
    render = Renderer()
    panel_cache_get_or_render("demo", 7, render)
    panel_cache_get_or_render("demo", 7, render)
    assert render.calls == 2 and asked


def test_with_the_setting_at_zero_nothing_is_cached(db, settings):
    settings.THADS_PANEL_CACHE_SECONDS = 0
    render = Renderer()
    panel_cache_get_or_render("demo", 7, render)
    panel_cache_get_or_render("demo", 7, render)
    assert render.calls == 2


def test_without_an_officer_nothing_is_cached(db):
    render = Renderer()
    panel_cache_get_or_render("demo", None, render)
    panel_cache_get_or_render("demo", None, render)
    assert render.calls == 2


def test_the_second_home_page_makes_fewer_queries(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("officer")
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as second:
        body = client.get(reverse("core:home")).content.decode()
    assert len(second) == 0 < len(first)  # user, officer, roles and panels all from the cache
    assert 'id="panel-cases"' in body and 'id="panel-quizzes"' in body


def test_with_the_setting_at_zero_the_home_page_queries_every_time(world, client_for, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.THADS_PANEL_CACHE_SECONDS = 0
    client = client_for("officer")
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as second:
        body = client.get(reverse("core:home")).content.decode()
    shown = body.count('<section class="card" aria-labelledby="panel-')
    assert shown >= 6  # cases, learning, quizzes, contests, adoption, IT help
    assert len(second) == shown  # one per panel; the user and officer come from the principal cache
