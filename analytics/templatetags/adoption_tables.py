"""The adoption pages' long table bodies, written in one pass (`{% load adoption_tables %}`).

The dashboard's officer table holds up to 300 rows of 8 cells, the heatmap and the province overview a
row per unit with a cell per software or month. Through template tags and filters each cell cost a
variable lookup, an escape, a localised number and, for the officer links, a URL reversal: at 300
officers most of the page's time went there. These tags write the same HTML (byte for byte: the tests
render the former templates beside them) with the address pattern reversed once and the active
language's number format read once per table.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import conditional_escape as escape  # what {{ }} does
from django.utils.numberformat import format as number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext as _

from analytics.selectors import stage_label

register = template.Library()

DASH = "—"
_PK_MARK = 987654321  # reversed once in place of an officer's id, then replaced by each row's


class Numbers:
    """Numbers as `{{ value }}` and `{{ value|floatformat:0 }}` show them in the active language:
    Django's own formatter, with the language's separators read once rather than once per cell."""

    def __init__(self) -> None:
        language = get_language()
        self.decimal_sep = get_format("DECIMAL_SEPARATOR", language)
        self.grouping = get_format("NUMBER_GROUPING", language)
        self.thousand_sep = get_format("THOUSAND_SEPARATOR", language)
        self.plain = not settings.USE_THOUSAND_SEPARATOR  # no grouping: Django's formatter shortcut below

    def value(self, number) -> str:  # noqa: ANN001
        """`{{ number }}`: ints as written, floats and decimals localised; None as "None" (callers test)."""
        kind = type(number)
        if self.plain and kind is int:
            return str(number)
        if self.plain and kind is float:
            text = str(number)  # what Django's formatter splits, unless it is in exponent form
            if "e" not in text and "n" not in text:
                return text.replace(".", self.decimal_sep)
        if kind is bool or not isinstance(number, (int, float, Decimal)):
            return escape(number)
        return str(number_format(number, self.decimal_sep, None, self.grouping, self.thousand_sep, use_l10n=True))

    def whole(self, number) -> str:  # noqa: ANN001
        """`{{ number|floatformat:0 }}`: rounded half up to a whole number."""
        exact = Decimal(str(number)) if isinstance(number, float) else Decimal(number)
        if not exact.is_finite():
            return str(number)
        rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return str(number_format(rounded, self.decimal_sep, 0, self.grouping, self.thousand_sep, use_l10n=True))

    def or_dash(self, number) -> str:  # noqa: ANN001
        """`{{ number|default_if_none:"—" }}`."""
        return DASH if number is None else self.value(number)


def _html(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 (every value above went through escape or is a number)


@register.simple_tag
def officer_table_rows(rows, detail_query: str, software_code: str = "") -> SafeString:  # noqa: ANN001
    """The dashboard's officer table body (rows of `selectors.OfficerRow`), nothing when there is none."""
    numbers = Numbers()
    before, after = reverse("analytics:officer-detail", args=[_PK_MARK]).split(str(_PK_MARK))
    tail = escape(detail_query) + (f"&amp;software={escape(software_code)}" if software_code else "")
    labels: dict[str, str] = {}
    parts = []
    for row in rows:
        if row.stage not in labels:
            labels[row.stage] = escape(stage_label(row.stage) if row.stage else _("No score yet"))
        officer = str(row.officer_id)
        percent = row.on_time_percent
        parts.append(
            f'<tr data-officer="{officer}"><td><a href="{before}{officer}{after}{tail}">{escape(row.name)}</a>'
            f'</td><td class="hide-narrow">{escape(row.unit_name)}</td>\n'
            f'<td class="num">{DASH if row.score is None else numbers.whole(row.score)}</td>'
            f'<td class="stage-{escape(row.stage)}">{labels[row.stage]}</td>\n'
            f'<td class="num">{numbers.value(row.selected_days if software_code else row.active_days)}</td>\n'
            f'<td class="num">{numbers.value(row.steps_recorded)}</td><td class="num">'
            f'{DASH if percent is None else numbers.value(percent) + "%"}</td><td class="num hide-narrow">'
            f'{numbers.value(row.courses_done_on_time)}/{numbers.value(row.courses_assigned)}</td></tr>\n')
    return _html(parts)


@register.simple_tag
def laggard_rows(laggards, detail_query: str, funnel_url: str) -> SafeString:  # noqa: ANN001
    """The dashboard's "lagging this week" body (rows of `selectors.Laggard`)."""
    numbers = Numbers()
    before, after = reverse("analytics:officer-detail", args=[_PK_MARK]).split(str(_PK_MARK))
    query, funnel = escape(detail_query), escape(funnel_url)
    parts = []
    for row in laggards:
        officer = str(row.officer_id)
        detail = f"{before}{officer}{after}{query}"
        software = ", ".join(f'<a href="{detail}&amp;software={escape(code)}">{escape(code)}</a>'
                             for code in row.inactive_software)
        parts.append(
            f'<tr data-officer="{officer}"><td><a href="{detail}">{escape(row.name)}</a></td>'
            f'<td class="hide-narrow">{escape(row.unit_name)}</td>\n<td class="num">'
            + (f'<a class="error" href="{detail}#overdue">{numbers.value(row.overdue_steps)}</a>'
               if row.overdue_steps else "0")
            + '</td>\n<td class="num">'
            + (f'<a href="{funnel}">{numbers.value(row.overdue_courses)}</a>' if row.overdue_courses else "0")
            + f"</td>\n<td>{software or DASH}</td></tr>\n")
    return _html(parts)


@register.simple_tag
def heatmap_rows(rows) -> SafeString:  # noqa: ANN001
    """The dashboard's unit × software body: rows of {unit, own_only, link, cells: [{colour, link, percent}]}."""
    numbers = Numbers()
    own = f" <small>({escape(_('own officers'))})</small>"
    parts = []
    for row in rows:
        parts.append(f'<tr><th scope="row"><a href="{escape(row["link"])}">{escape(row["unit"].name)}</a>'
                     f'{own if row["own_only"] else ""}</th>\n')
        parts.extend(f'<td class="cell" style="background:{escape(cell["colour"])}"><a href="{escape(cell["link"])}">'
                     f'{DASH if cell["percent"] is None else numbers.whole(cell["percent"]) + "%"}</a></td>'
                     for cell in row["cells"])
        parts.append("</tr>\n")
    return _html(parts)


@register.simple_tag
def ranking_rows(rows) -> SafeString:  # noqa: ANN001
    """The province overview's ranking body: rows of {rank: UnitRank, link, figures: [values]}."""
    numbers = Numbers()
    parts = []
    for counter, row in enumerate(rows, start=1):
        rank = row["rank"]
        label = escape(rank.label)
        unit = rank.unit
        parts.append(
            (f'<tr data-unit="{unit.pk}"><td>{counter}</td>' if unit is not None else '<tr class="aggregate"><td></td>')
            + (f'<td><a href="{escape(row["link"])}">{label}</a></td>' if row["link"] else f"<td><em>{label}</em></td>")
            + f'<td class="num">{numbers.value(rank.officers)}</td>\n'
            + "".join(f'<td class="num">{numbers.or_dash(value)}</td>' for value in row["figures"])
            + f'\n<td class="num">{numbers.or_dash(rank.change)}</td></tr>\n')
    return _html(parts)


@register.simple_tag
def unit_month_rows(rows) -> SafeString:  # noqa: ANN001
    """The province overview's unit × month body: rows of {rank, cells: [{value, colour, link}]}."""
    numbers = Numbers()
    parts = []
    for row in rows:
        parts.append(f'<tr><th scope="row">{escape(row["rank"].label)}</th>')
        for cell in row["cells"]:
            value = numbers.or_dash(cell["value"])
            parts.append(f'<td class="cell" style="background:{escape(cell["colour"])}">'
                         + (f'<a href="{escape(cell["link"])}">{value}</a>' if cell["link"] else value) + "</td>")
        parts.append("</tr>")
    return _html(parts)
