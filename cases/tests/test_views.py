from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases.models import CaseStep
from cases.tests.factories import make_case, step_type


def _cases(world, count: int, start: int = 0) -> None:  # noqa: ANN001
    for index in range(start, start + count):
        make_case(world, number=f"{index}/A", intake=timezone.localdate() - timedelta(days=20),
                  parties=(("debtor", f"Lê Văn Nợ {index}", "Rạch Giá"), ("creditor", "Công ty Bình Minh", "")))


def test_todo_and_home_panel_keep_a_flat_query_budget(world, client_for, django_assert_max_num_queries):
    client = client_for("officer")
    _cases(world, 3)
    for round_, url in enumerate((reverse("cases:todo"), reverse("core:home"),
                                  reverse("cases:case-list") + "?q=le van no")):
        with django_assert_max_num_queries(14) as small:
            assert client.get(url).status_code == 200
        _cases(world, 30, start=100 * (round_ + 1))
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(url)
        assert response.status_code == 200


def test_home_panel_lists_overdue_steps_with_a_record_button(world, client_for):
    case = make_case(world, intake=timezone.localdate() - timedelta(days=30))
    body = client_for("officer").get(reverse("core:home")).content.decode()
    assert case.number in body and "data-record" in body


def test_search_finds_a_party_typed_without_accents_and_hides_other_units(world, client_for):
    make_case(world, number="77/A")
    make_case(world, unit_key="B", number="88/B", officer_key="other_b",
              parties=(("debtor", "Nguyễn Văn A", "Hà Tiên"),))
    body = client_for("officer").get(reverse("cases:case-list"), {"q": "nguyen van a"}).content.decode()
    assert "77/A" in body and "88/B" not in body


def test_party_data_is_shown_only_to_the_unit_and_its_managers(world, client_for):
    case = make_case(world)
    url = reverse("cases:case-detail", kwargs={"pk": case.pk})
    assert "12 Trần Phú" in client_for("officer").get(url).content.decode()
    assert "12 Trần Phú" in client_for("unit_manager").get(url).content.decode()
    for role in ("provincial_leader", "admin", "trainer"):
        assert client_for(role).get(url).status_code == 404


def test_quick_entry_records_a_step_with_htmx(world, client_for):
    case = make_case(world, intake=timezone.localdate() - timedelta(days=10))
    deadline = case.deadlines.get()
    client = client_for("officer")
    url = reverse("cases:step-record", kwargs={"pk": case.pk})
    form = client.get(url, {"type": "decision", "deadline": deadline.pk}, HTTP_HX_REQUEST="true")
    assert f'<option value="{step_type("decision").pk}" selected>' in form.content.decode()  # ?type= preselects
    response = client.post(f"{url}?deadline={deadline.pk}", {
        "step_type": step_type("decision").pk, "legal_date": timezone.localdate().isoformat(), "note": ""},
        HTTP_HX_REQUEST="true")
    with translation.override("vi"):
        saved = gettext("Recorded: %(step)s for case %(number)s.") % {
            "step": step_type("decision").name, "number": case.number}
    assert response.status_code == 200 and f'<p class="ok" role="status">{saved}</p>' in response.content.decode()
    step = CaseStep.objects.get(case=case, step_type__code="decision")
    assert step.recorded_by == world.officers["officer"] and step.lag_working_days == 0
    deadline.refresh_from_db()
    assert not deadline.is_open


def test_future_date_is_refused_with_a_message(world, client_for):
    case = make_case(world)
    response = client_for("officer").post(reverse("cases:step-record", kwargs={"pk": case.pk}), {
        "step_type": step_type("decision").pk, "legal_date": (timezone.localdate() + timedelta(days=2)).isoformat()})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not CaseStep.objects.filter(step_type__code="decision").exists()


def test_correction_page_keeps_the_old_version_visible(world, client_for):
    case = make_case(world, intake=date(2026, 3, 2))
    step = case.steps.get()
    client = client_for("officer")
    response = client.post(reverse("cases:step-correct", kwargs={"pk": step.pk}), {
        "step_type": step_type("intake").pk, "legal_date": "2026-02-27", "note": "ngày thụ lý đúng"})
    assert response.status_code == 302
    body = client.get(reverse("cases:case-detail", kwargs={"pk": case.pk})).content.decode()
    assert body.count("Thụ lý") >= 2 and "superseded" in body


def test_timeliness_page_budget_and_period_switch(world, client_for, django_assert_max_num_queries):
    _cases(world, 5)
    client = client_for("unit_manager")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("cases:timeliness"), {"period": "year"})
    assert response.status_code == 200 and "Nguyễn Văn Á" in response.content.decode()
    _cases(world, 40, start=50)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("cases:timeliness"), {"period": "month", "month": "2026-03"}).status_code == 200


def test_import_pages_preview_then_apply(world, client_for):
    from cases.tests.test_services_imports import GOOD, csv_bytes
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_case(world, intake=date(2026, 3, 2))
    make_case(world, unit_key="A1", number="1/A1", officer_key="other_a1", intake=date(2026, 3, 2))
    client = client_for("admin")
    response = client.post(reverse("cases:import-start"), {"file": SimpleUploadedFile("buoc.csv", csv_bytes(GOOD))})
    detail = response["Location"]
    with translation.override("vi"):
        summary = gettext("%(t)s rows: %(n)s new steps, %(c)s corrections, %(u)s unchanged.") % {
            "t": 3, "n": 3, "c": 0, "u": 0}
    assert f'<p id="import-summary">{summary}</p>' in client.get(detail).content.decode()
    client.post(detail + "apply/")
    assert CaseStep.objects.filter(source="import").count() == 3
    assert client.get(reverse("cases:import-template")).content.startswith(b"PK")
    history = client.get(reverse("cases:import-start")).content.decode()
    assert "buoc.csv" in history


@pytest.mark.parametrize("role", ["officer", "unit_manager"])
def test_closed_case_has_no_record_form(world, client_for, role):
    from cases import services

    case = make_case(world)
    services.case_step_record(case=case, step_type=step_type("closure"), legal_date=case.intake_date,
                              by=world.officers["officer"])
    body = client_for(role).get(reverse("cases:case-detail", kwargs={"pk": case.pk})).content.decode()
    assert 'name="legal_date"' not in body
