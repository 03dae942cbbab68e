"""The cached home panel shows a step the officer records at once."""

from __future__ import annotations

from django.urls import reverse

from cases import services
from cases.models import CaseDeadline
from cases.tests.factories import make_case, step_type


def test_a_recorded_step_leaves_the_cached_panel_at_once(world, client_for):
    case = make_case(world)
    deadline = CaseDeadline.objects.get(case=case, is_open=True)
    client = client_for("officer")
    assert f'id="due-{deadline.pk}"' in client.get(reverse("core:home")).content.decode()
    services.case_step_record(case=case, step_type=step_type(deadline.expected.code),
                              legal_date=deadline.due_date, by=world.officers["officer"])
    assert f'id="due-{deadline.pk}"' not in client.get(reverse("core:home")).content.decode()
