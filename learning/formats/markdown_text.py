"""Lesson text: Markdown to HTML, then cleaned with an allowlist so no script can get through."""

from __future__ import annotations

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "kbd", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _heading_down(match: re.Match) -> str:
    """The page title is the page's only h1: "# Title" in a lesson becomes h2, "## Part" h3, and so on."""
    return f"<{match.group(1)}h{min(int(match.group(2)) + 1, 6)}"


def render_markdown(text: str) -> str:
    """Safe HTML for `text` (headings one level down, # → h2): raw HTML is allowed only within the allowlist, links only http(s)/mailto/relative."""
    html = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    html = HEADING_TAG.sub(_heading_down, html)
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
