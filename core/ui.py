"""Registries that let feature apps add menu entries and home-page panels without core importing them.

Apps register in their AppConfig.ready(); core renders whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=512)
def _menu_url(url_name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(url_name, urlconf=urlconf)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100

    @property
    def url(self) -> str:
        """The entry's address, reversed once per process (menu entries take no arguments)."""
        return _menu_url(self.url_name, get_script_prefix(), get_urlconf())


@dataclass(frozen=True)
class HomePanel:
    """A panel on "Công việc của tôi". `context` returns None to hide the panel for this user.

    Its rendered HTML is cached per person (core.fragments): the template sees only `panel` (the
    context) and `request`, and must not print per-request values such as a CSRF token. A context may
    hold `cache_until` (an aware datetime after which it may change by itself). `cached=False` opts out.
    """

    key: str
    title: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100
    cached: bool = True
    # Role codes (core.roles.Role) whose holders see the panel; empty: everyone (the context may still
    # hide it). A person with several roles sees the panels of each.
    roles: frozenset[str] = frozenset()

    def shown_to(self, user) -> bool:  # noqa: ANN001
        from core.roles import user_roles

        return not self.roles or bool(self.roles & user_roles(user))


@dataclass(frozen=True)
class HeaderLink(NavItem):
    """A link in the top bar beside the user's name, on every page (e.g. "Cần hỗ trợ CNTT").
    `with_page` adds `?from=<the page's address>` so the target knows where it was opened."""

    with_page: bool = False


@dataclass(frozen=True)
class Landing:
    """Where a user lands after sign-in: the first registered landing (lowest `order`) whose
    `allowed(user)` is true; "Công việc của tôi" when none is."""

    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    landings: list[Landing] = field(default_factory=list)
    header_links: list[HeaderLink] = field(default_factory=list)


registry = Registry()


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in registry.nav):
        registry.nav.append(item)
        registry.nav.sort(key=lambda entry: entry.order)


def register_panel(panel: HomePanel) -> None:
    registry.panels = [existing for existing in registry.panels if existing.key != panel.key] + [panel]
    registry.panels.sort(key=lambda entry: entry.order)


def register_header_link(link: HeaderLink) -> None:
    registry.header_links = [existing for existing in registry.header_links if existing.url_name != link.url_name]
    registry.header_links.append(link)
    registry.header_links.sort(key=lambda entry: entry.order)


def register_landing(landing: Landing) -> None:
    registry.landings = [existing for existing in registry.landings if existing.url_name != landing.url_name]
    registry.landings.append(landing)
    registry.landings.sort(key=lambda entry: entry.order)


def panels_for(user) -> list[HomePanel]:  # noqa: ANN001
    """The registered panels this user's roles may see, in order."""
    return [panel for panel in registry.panels if panel.shown_to(user)]


def roles_without_panel(user) -> list[str]:  # noqa: ANN001
    """The user's roles (other than officer) that no registered panel is meant for: the home page says
    where their work is instead of leaving them with nothing."""
    from core.roles import Role, user_roles

    served = set().union(*(panel.roles for panel in registry.panels))
    return [role for role in Role.values if role in user_roles(user) and role != Role.OFFICER and role not in served]


def landing_url_for(user) -> str:  # noqa: ANN001
    for landing in registry.landings:
        if landing.allowed(user):
            return reverse(landing.url_name)
    return reverse("core:home")


def nav_for(user) -> list[NavItem]:  # noqa: ANN001
    return [item for item in registry.nav if item.allowed(user)]


# Menu sections by URL namespace, so a role with many pages gets a short menu of sections.
NAV_GROUPS = {
    "cases": _("Cases"),
    "learning": _("Training"),
    "quizzes": _("Quizzes"),
    "contests": _("Contests"),
    "analytics": _("Adoption"),
    "org": _("Administration"),
    "core": _("Administration"),
}
TOP_LEVEL = {"org:officer-list"}


@dataclass(frozen=True)
class NavGroup:
    label: str | None  # None: the entries stand alone in the menu bar
    items: list[NavItem]
    current: bool = False  # the page being shown is one of the entries


def nav_groups_for(user, current: str | None = None, items: list[NavItem] | None = None) -> list[NavGroup]:  # noqa: ANN001
    """The user's menu: stand-alone entries first, then one section per app with two or more entries.
    `items`: the user's entries when already known (otherwise `nav_for(user)`)."""
    top: list[NavItem] = []
    sections: dict[str, list[NavItem]] = {}
    for item in nav_for(user) if items is None else items:
        namespace = item.url_name.split(":", 1)[0]
        if item.url_name in TOP_LEVEL or namespace not in NAV_GROUPS:
            top.append(item)
        else:
            sections.setdefault(str(NAV_GROUPS[namespace]), []).append(item)
    groups = [NavGroup(None, top)] if top else []
    for label, items in sections.items():
        is_current = any(item.url_name == current for item in items)
        groups.append(NavGroup(None if len(items) == 1 else label, items, is_current))
    return groups


HOME = "core:home"


def main_nav_html(user, current: str | None = None) -> SafeString:  # noqa: ANN001
    """The top bar's menu (partials/_mainnav.html) for this user on the page `current` (a view name).

    Which entries the user sees is decided on every call (`NavItem.allowed`); the HTML of a given set
    of entries is rendered once per process for each language and highlighted page, since it
    depends on nothing else."""
    names = tuple(item.url_name for item in nav_for(user))
    here = current if current == HOME or current in names else None  # other pages highlight nothing
    return _main_nav_render(names, here, get_language(), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=1024)
def _main_nav_render(names: tuple[str, ...], here: str | None, language: str | None, prefix: str,
                     urlconf: str | None) -> SafeString:
    by_name = {item.url_name: item for item in registry.nav}
    items = [by_name[name] for name in names]
    return mark_safe(render_to_string("partials/_mainnav.html", {  # noqa: S308 (rendered with autoescape)
        "nav_groups": nav_groups_for(None, current=here, items=items), "here": here, "home": HOME}))


class LazyHTML:
    """HTML computed the first time a template prints it, then kept: lets a context processor offer a
    fragment without building it for the responses (htmx partials, downloads) that never show it."""

    def __init__(self, make: Callable[[], str]):
        self._make, self._value = make, None

    def __html__(self) -> str:
        if self._value is None:
            self._value = self._make()
        return self._value

    __str__ = __html__
