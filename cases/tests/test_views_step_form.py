"""The "Ghi nhận bước" form preselects the step that is due, asks for the real date of an overdue step,
and a step saved from a due list replaces its row (no "Quá hạn" row with a button left behind)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStep
from cases.tests.factories import make_case, step_type


def _selected_step(html: str) -> str:
    match = re.search(r'<option value="(\d+)" selected>', html)
    assert match, "no step preselected"
    return match.group(1)


def test_case_page_preselects_the_step_that_is_due(world, client_for):
    case = make_case(world, intake=timezone.localdate() - timedelta(days=1))
    body = client_for("officer").get(reverse("cases:case-detail", kwargs={"pk": case.pk})).content.decode()
    assert _selected_step(body) == str(step_type("decision").pk)  # not "Thụ lý", the first of the list
    assert f'value="{timezone.localdate().isoformat()}"' in body  # not overdue: today is the default


def test_overdue_step_asks_for_the_date_it_happened(world, client_for):
    case = make_case(world, intake=timezone.localdate() - timedelta(days=30))
    deadline = case.deadlines.get()
    client = client_for("officer")
    url = reverse("cases:step-record", kwargs={"pk": case.pk})
    form = client.get(url, {"deadline": deadline.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert _selected_step(form) == str(step_type("decision").pk)
    assert f'value="{timezone.localdate().isoformat()}"' not in form
    assert deadline.due_date.strftime("%d/%m/%Y") in form
    blank = client.post(f"{url}?deadline={deadline.pk}", {"step_type": step_type("decision").pk, "legal_date": ""},
                        HTTP_HX_REQUEST="true")
    assert "errorlist" in blank.content.decode() and not CaseStep.objects.filter(step_type__code="decision").exists()
    happened = deadline.due_date - timedelta(days=1)
    client.post(f"{url}?deadline={deadline.pk}", {"step_type": step_type("decision").pk,
                                                  "legal_date": happened.isoformat()}, HTTP_HX_REQUEST="true")
    deadline.refresh_from_db()
    assert not deadline.is_open and deadline.met_on == happened


def test_saving_from_the_home_panel_replaces_the_due_row(world, client_for):
    case = make_case(world, intake=timezone.localdate() - timedelta(days=30))
    deadline = case.deadlines.get()
    client = client_for("officer")
    home = client.get(reverse("core:home")).content.decode()
    assert f'id="due-{deadline.pk}"' in home and "from=due-list" in home
    url = reverse("cases:step-record", kwargs={"pk": case.pk})
    response = client.post(f"{url}?deadline={deadline.pk}&from=due-list", {
        "step_type": step_type("decision").pk, "legal_date": (timezone.localdate() - timedelta(days=3)).isoformat()},
        HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == f"#due-{deadline.pk}" and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert body.startswith(f'<li id="due-{deadline.pk}"') and "Quá hạn" not in body and "data-record" not in body
    assert f'id="due-{deadline.pk}"' not in client.get(reverse("core:home")).content.decode()
