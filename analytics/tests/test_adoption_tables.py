"""The adoption pages' long table bodies (`analytics/templatetags/adoption_tables.py`) write exactly what
the template loops they replaced wrote: each former loop is kept here and rendered beside the tag over
random rows (names that need escaping, numbers with and without decimals, missing values), in Vietnamese
and in English."""

from __future__ import annotations

import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.translation import override

from analytics import charts
from analytics.selectors import Laggard, OfficerRow, UnitRank
from analytics.templatetags.adoption_tables import Numbers

FORMER_OFFICER_ROWS = (
    "{% for row in rows %}<tr data-officer=\"{{ row.officer_id }}\"><td><a href=\"{% url 'analytics:officer-detail' "
    "row.officer_id %}{{ detail_query }}{% if software_code %}&amp;software={{ software_code }}{% endif %}\">"
    "{{ row.name }}</a></td><td class=\"hide-narrow\">{{ row.unit_name }}</td>\n<td class=\"num\">{% if row.score "
    "is not None %}{{ row.score|floatformat:0 }}{% else %}—{% endif %}</td><td class=\"stage-{{ row.stage }}\">"
    "{{ row.stage_label }}</td>\n<td class=\"num\">{% if software_code %}{{ row.selected_days }}{% else %}"
    "{{ row.active_days }}{% endif %}</td>\n<td class=\"num\">{{ row.steps_recorded }}</td><td class=\"num\">"
    "{% if row.on_time_percent is not None %}{{ row.on_time_percent }}%{% else %}—{% endif %}</td>"
    "<td class=\"num hide-narrow\">{{ row.courses_done_on_time }}/{{ row.courses_assigned }}</td></tr>\n{% endfor %}"
)
FORMER_LAGGARD_ROWS = (
    "{% for row in laggards %}<tr data-officer=\"{{ row.officer_id }}\"><td><a href=\"{% url 'analytics:officer-detail' "
    "row.officer_id %}{{ detail_query }}\">{{ row.name }}</a></td><td class=\"hide-narrow\">{{ row.unit_name }}</td>\n"
    "<td class=\"num\">{% if row.overdue_steps %}<a class=\"error\" href=\"{% url 'analytics:officer-detail' "
    "row.officer_id %}{{ detail_query }}#overdue\">{{ row.overdue_steps }}</a>{% else %}0{% endif %}</td>\n<td "
    "class=\"num\">{% if row.overdue_courses %}<a href=\"{{ funnel_url }}\">{{ row.overdue_courses }}</a>{% else %}0"
    "{% endif %}</td>\n<td>{% for code in row.inactive_software %}<a href=\"{% url 'analytics:officer-detail' "
    "row.officer_id %}{{ detail_query }}&amp;software={{ code }}\">{{ code }}</a>{% if not forloop.last %}, "
    "{% endif %}{% empty %}—{% endfor %}</td></tr>\n{% endfor %}"
)
FORMER_HEATMAP_ROWS = (
    "{% load i18n %}{% for row in heat_rows %}<tr><th scope=\"row\"><a href=\"{{ row.link }}\">{{ row.unit.name }}"
    "</a>{% if row.own_only %} <small>({% translate \"own officers\" %})</small>{% endif %}</th>\n{% for cell in "
    "row.cells %}<td class=\"cell\" style=\"background:{{ cell.colour }}\"><a href=\"{{ cell.link }}\">{% if "
    "cell.percent is not None %}{{ cell.percent|floatformat:0 }}%{% else %}—{% endif %}</a></td>{% endfor %}</tr>\n"
    "{% endfor %}"
)
FORMER_RANKING_ROWS = (
    "{% for row in rows %}<tr{% if row.rank.unit %} data-unit=\"{{ row.rank.unit.pk }}\"{% else %} "
    "class=\"aggregate\"{% endif %}><td>{% if row.rank.unit %}{{ forloop.counter }}{% endif %}</td><td>{% if "
    "row.link %}<a href=\"{{ row.link }}\">{{ row.rank.label }}</a>{% else %}<em>{{ row.rank.label }}</em>"
    "{% endif %}</td><td class=\"num\">{{ row.rank.officers }}</td>\n{% for value in row.figures %}<td "
    "class=\"num\">{{ value|default_if_none:\"—\" }}</td>{% endfor %}\n<td class=\"num\">"
    "{{ row.rank.change|default_if_none:\"—\" }}</td></tr>\n{% endfor %}"
)
FORMER_UNIT_MONTH_ROWS = (
    "{% for row in rows %}<tr><th scope=\"row\">{{ row.rank.label }}</th>{% for cell in row.cells %}<td "
    "class=\"cell\" style=\"background:{{ cell.colour }}\">{% if cell.link %}<a href=\"{{ cell.link }}\">"
    "{{ cell.value|default_if_none:\"—\" }}</a>{% else %}{{ cell.value|default_if_none:\"—\" }}{% endif %}</td>"
    "{% endfor %}</tr>{% endfor %}"
)
NAMES = ["Nguyễn Văn An", "Trần Thị <b>Bình</b> & co", "Lê \"Cường\"", "Phạm Thị Dung's", "Hoàng Văn Em"]


def _number(rng: random.Random):  # noqa: ANN202
    return rng.choice([None, 0, rng.randint(0, 40), rng.randint(1000, 99999), round(rng.uniform(0, 100), 1),
                       Decimal(rng.randint(0, 10000)) / 100, 12.5, 0.5, 99.95, Decimal("62.50")])


def _officer_rows(rng: random.Random) -> list[OfficerRow]:
    rows = []
    for index in range(40):
        recorded = rng.choice([0, 0, rng.randint(1, 200), rng.randint(1000, 5000)])
        rows.append(OfficerRow(
            rng.randint(1, 10**6), f"{rng.choice(NAMES)} {index}", rng.choice(NAMES), 1,
            score=rng.choice([None, Decimal(rng.randint(0, 10000)) / 100, Decimal("50.50"), Decimal("49.49")]),
            stage=rng.choice(["", "none", "beginner", "regular", "proficient"]), active_days=rng.randint(0, 3000),
            steps_recorded=recorded, steps_on_time=rng.randint(0, recorded), courses_assigned=rng.randint(0, 9),
            courses_done_on_time=rng.randint(0, 9), selected_days=rng.randint(0, 1200)))
    return rows


def render_both(former_loop: str, tag: str, context: dict, language: str) -> tuple[str, str]:
    """(the former loop's output, the tag's) over the same context, in `language`."""
    with override(language):
        return (Template(former_loop).render(Context(context)),
                Template("{% load adoption_tables %}{% " + tag + " %}").render(Context(context)))


@pytest.mark.parametrize("grouping", [False, True])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_match_django_formatting(language, grouping, settings):
    settings.USE_THOUSAND_SEPARATOR = grouping
    rng = random.Random(7)
    values = [0, 7, 999, 1000, 123456, -3, 0.5, 1.5, 2.5, 12.345, 99.95, 100.0, -0.4, -0.6, 1e-7, 3.0e16, -0.0,
              float("nan"), float("inf"), True,
              Decimal("0.5"), Decimal("62.50"), Decimal("-0.5"), Decimal("1234.567")]
    values += [round(rng.uniform(-1000, 1000), rng.randint(0, 4)) for _ in range(300)]
    values += [Decimal(rng.randint(-10**6, 10**6)) / 100 for _ in range(300)]
    with override(language):
        numbers = Numbers()
        for value in values:
            assert numbers.value(value) == str(localize(value)), value
            assert numbers.whole(value) == str(floatformat(value, 0)), value


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("software_code", ["", "QLVB"])
def test_officer_rows_as_the_former_loop(language, software_code):
    rows = _officer_rows(random.Random(language + software_code))
    context = {"rows": rows, "detail_query": "?start=2026-10-01&end=2026-12-02", "software_code": software_code}
    former, now = render_both(FORMER_OFFICER_ROWS, "officer_table_rows rows detail_query software_code", context,
                              language)
    assert "&lt;b&gt;" in now
    assert ("&amp;software=QLVB" in now) == bool(software_code)
    assert now == former


@pytest.mark.parametrize("language", ["vi", "en"])
def test_laggard_rows_as_the_former_loop(language):
    rng = random.Random(language)
    laggards = [Laggard(rng.randint(1, 10**6), rng.choice(NAMES), rng.choice(NAMES),
                        rng.choice([0, 3, 1200]), rng.choice([0, 2]),
                        rng.sample(["QLTHA", "QLVB", "CKS", "EMAIL"], rng.randint(0, 3)), None)
                for _ in range(30)]
    context = {"laggards": laggards, "detail_query": "?start=2026-11-01&end=2026-12-02",
               "funnel_url": "/learning/report/?unit=3&x=<1>"}
    former, now = render_both(FORMER_LAGGARD_ROWS, "laggard_rows laggards detail_query funnel_url", context, language)
    assert now == former


@pytest.mark.parametrize("language", ["vi", "en"])
def test_heatmap_rows_as_the_former_loop(language):
    rng = random.Random(language)
    rows = []
    for index in range(12):
        cells = []
        for code in ["QLTHA", "QLVB", "CKS"]:
            percent = _number(rng)
            percent = float(percent) if percent is not None else None
            cells.append({"code": code, "percent": percent, "colour": charts.heat_colour(percent),
                          "link": f"?period=month&unit={index}&software={code}#officers"})
        rows.append({"unit": SimpleNamespace(name=rng.choice(NAMES)), "own_only": index == 0,
                     "link": f"?period=month&unit={index}", "cells": cells})
    former, now = render_both(FORMER_HEATMAP_ROWS, "heatmap_rows heat_rows", {"heat_rows": rows}, language)
    assert now == former


@pytest.mark.parametrize("language", ["vi", "en"])
def test_province_rows_as_the_former_loops(language):
    rng = random.Random(language)
    rows = []
    for index in range(15):
        unit = None if index % 6 == 5 else SimpleNamespace(pk=100 + index)
        rank = UnitRank(unit=unit, label=rng.choice(NAMES), officers=rng.randint(0, 400),
                        previous_total=rng.choice([None, 40.0]),
                        figures={"total": rng.choice([None, round(rng.uniform(0, 100), 1)])})
        link = f"/analytics/?period=month&month=2026-11&unit={100 + index}" if unit else ""
        rows.append({"rank": rank, "link": link, "figures": [_number(rng) for _ in range(6)],
                     "cells": [{"value": (value := _number(rng)), "colour": charts.heat_colour(
                         float(value) if value is not None else None), "link": link if index % 2 else ""}
                               for _ in range(12)]})
    for former_loop, tag in ((FORMER_RANKING_ROWS, "ranking_rows"), (FORMER_UNIT_MONTH_ROWS, "unit_month_rows")):
        former, now = render_both(former_loop, f"{tag} rows", {"rows": rows}, language)
        assert now == former, tag
