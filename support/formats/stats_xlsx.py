"""The help-desk figures as an .xlsx workbook (one sheet per table)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def stats_sheets(figures) -> list[tuple[str, list[str], list[list]]]:  # noqa: ANN001
    """(sheet title, headers, rows) for each table of the figures page."""
    return [
        (_("By software"), [_("Software"), _("Requests")],
         [[row["software__name"] or _("Other / not sure"), row["n"]] for row in figures.by_software]),
        (_("By unit"), [_("Unit"), _("Requests"), _("Still open")],
         [[row["unit__name"], row["n"], row["open"]] for row in figures.by_unit]),
        (_("By month"), [_("Month"), _("Requests")],
         [[row["month"].strftime("%m/%Y"), row["n"]] for row in figures.by_month]),
        (_("Articles used"), [_("Article"), _("Times sent")],
         [[row["article__title"], row["n"]] for row in figures.top_articles]),
        (_("Most asked questions"), [_("Question"), _("Software"), _("Requests"), _("Subjects as typed"),
                                      _("Request numbers")],
         [[question.question, question.software or _("Other / not sure"), question.count,
           " | ".join(dict.fromkeys(item["subject"] for item in question.subjects)),
           ", ".join(str(pk) for pk in question.request_ids)] for question in figures.top_questions]),
    ]
