"""Support for the URL permission matrix (tests/test_permission_matrix.py).

Each app declares, in `<app>/tests/url_access.py`, a dict `ACCESS` mapping a URL name (optionally
with "@variant") to a `Rule`: which roles may open it and how to build its arguments from the test
world (conftest.World). A URL without a declaration makes the matrix test fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
ALL_ROLES = ("officer", "trainer", "unit_manager", "provincial_leader", "contest_organiser", "judge", "admin")
EVERYONE = frozenset(ALL_ROLES)
PUBLIC = frozenset(ALL_ROLES + (ANONYMOUS,))


@dataclass(frozen=True)
class Rule:
    """`allowed`: roles (and/or ANONYMOUS) that get the page; every other role must be refused.

    `kwargs(world)` builds URL arguments; `method` is the HTTP method tried; `data(world)` a POST body.
    Allowed means a 2xx answer or a redirect that is not to the sign-in page; refused means 403/404
    for a signed-in role and a redirect to the sign-in page (or 403/404) for anonymous.
    """

    allowed: frozenset[str]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    query: str = ""
    skip_matrix: str = ""  # a reason: only for URLs that cannot be requested (e.g. static media by hash)
    path: str = ""  # a literal address, for patterns without a name (e.g. the admin's catch-all)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)
