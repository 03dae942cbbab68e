"""The home page ("Công việc của tôi"): every panel in a fixed, small number of queries."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import User
from core.roles import Role, user_roles
from org.selectors import officer_for_user

# The session, the user and the officer with their roles come from caches (core.principal) after a
# first visit; then one query per panel (cases, learning, quizzes, contests, software use, IT help), none
# once the panels are cached (core.fragments).
HOME_QUERIES = 6
HOME_QUERIES_CACHED = 0


def test_home_for_an_officer_keeps_its_query_count(world, client_for, django_assert_num_queries):
    client = client_for("officer")
    client.get(reverse("core:home"))  # a first visit fills per-process caches and the panel cache
    with django_assert_num_queries(HOME_QUERIES_CACHED):
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    body = response.content.decode()
    for panel in ("panel-cases", "panel-learning", "panel-quizzes", "panel-contests", "panel-adoption",
                  "panel-support"):
        assert f'id="{panel}"' in body


def test_home_without_the_panel_cache_keeps_its_query_count(world, client_for, django_assert_num_queries,
                                                           settings):
    settings.THADS_PANEL_CACHE_SECONDS = 0
    client = client_for("officer")
    client.get(reverse("core:home"))
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("core:home"))
    body = response.content.decode()
    for panel in ("panel-cases", "panel-learning", "panel-quizzes", "panel-contests", "panel-adoption",
                  "panel-support"):
        assert f'id="{panel}"' in body
    assert body.count('<section class="card" aria-labelledby="panel-') == HOME_QUERIES  # one query per panel


def test_officer_and_roles_come_from_one_query(world, django_assert_num_queries):
    user = User.objects.get(pk=world.user("unit_manager").pk)
    expected = frozenset(user.groups.values_list("name", flat=True))
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        officer = officer_for_user(user)
        roles = user_roles(user)
    assert officer == world.officers["unit_manager"] and roles == expected and Role.UNIT_MANAGER in roles


def test_several_roles_and_superuser_are_read_with_the_officer(world):
    user = User.objects.get(pk=world.user("officer").pk)
    user.groups.add(Group.objects.get_or_create(name=Role.TRAINER)[0])
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    user = User.objects.get(pk=user.pk)
    officer_for_user(user)
    assert user_roles(user) == frozenset({Role.OFFICER, Role.TRAINER, Role.ADMIN})


def test_an_account_without_officer_record_still_gets_its_roles(world):
    user = User.objects.create_user(username="no-officer", password="x-Long-enough-1")
    user.groups.add(Group.objects.get_or_create(name=Role.JUDGE)[0])
    user = User.objects.get(pk=user.pk)
    assert officer_for_user(user) is None
    assert user_roles(user) == frozenset({Role.JUDGE})


def test_menu_links_point_where_reverse_says(world, client_for):
    body = client_for("officer").get(reverse("core:home")).content.decode()
    assert f'href="{reverse("quizzes:quiz-list")}"' in body and f'href="{reverse("learning:my-courses")}"' in body


def test_menu_groups_an_apps_pages_into_one_section(client_for):
    html = client_for("admin").get("/org/units/").content.decode()
    assert html.count('<details class="navgroup">') >= 2
    assert '<summary class="current">' in html  # the section of the page being shown is marked
    officer_html = client_for("officer").get("/").content.decode()
    assert 'href="/org/officers/"' not in officer_html  # entries follow the role


def test_each_role_sees_its_own_panels_and_no_placeholder(world, client_for):
    admin = client_for("admin").get(reverse("core:home")).content.decode()
    for panel in ("panel-admin-imports", "panel-admin-audit", "panel-admin-accounts"):
        assert f'id="{panel}"' in admin
    officer = client_for("officer").get(reverse("core:home")).content.decode()
    assert "panel-admin" not in officer and "panel-roles-waiting" not in officer
    assert "sẽ hiện ở đây" not in admin + officer


def test_a_role_without_panels_is_told_where_its_work_is(world, client_for, monkeypatch):
    from core.ui import registry

    # As before the contests app registers its panels: none is meant for judges.
    monkeypatch.setattr(registry, "panels", [panel for panel in registry.panels if Role.JUDGE not in panel.roles])
    body = client_for("judge").get(reverse("core:home")).content.decode()
    assert 'id="panel-roles-waiting"' in body and "Giám khảo" in body
    assert 'id="panel-roles-waiting"' not in client_for("officer").get(reverse("core:home")).content.decode()


def test_menu_html_is_shared_only_by_people_with_the_same_entries(client_for):
    admin_units = client_for("admin").get("/org/units/").content.decode()
    officer_home = client_for("officer").get("/").content.decode()
    admin_home = client_for("admin").get("/").content.decode()
    assert 'href="/org/units/" aria-current="page"' in admin_units  # the page shown is marked …
    assert 'aria-current="page">Công việc của tôi<' not in admin_units
    assert 'href="/org/units/" aria-current' not in admin_home  # … on that page only
    assert 'aria-current="page">Công việc của tôi<' in admin_home and 'href="/org/units/"' in admin_home
    assert 'href="/org/units/"' not in officer_home  # one person's menu is never handed to another


def test_menu_follows_the_chosen_language(client_for):
    client = client_for("officer")
    assert ">Công việc của tôi<" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert ">My work<" in body and "Công việc của tôi" not in body
