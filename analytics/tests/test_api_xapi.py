"""The xAPI endpoint's contract: valid, invalid, duplicate ids, tokens, batch size, rate limit."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from analytics.models import EventSource, UsageEvent
from analytics.services import xapi as xapi_services

URL = "/api/xapi/statements"
SEND = "http://activitystrea.ms/schema/1.0/send"
EMAIL = "https://thads.moj.gov.vn/xapi/activities/email"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"


@pytest.fixture
def token(world):  # noqa: ANN001
    record, raw = xapi_services.xapi_token_create(name="Hệ thống thư điện tử", user=world.user("admin"))
    return record, raw


def statement(email: str = "officer@moj.gov.vn", verb: str = SEND, activity: str = EMAIL, **extra) -> dict:  # noqa: ANN003
    body = {"id": str(uuid.uuid4()), "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
            "verb": {"id": verb, "display": {"en-US": "sent"}}, "object": {"objectType": "Activity", "id": activity},
            "timestamp": "2026-03-02T08:15:00+07:00"}
    body.update(extra)
    return body


def post(raw: str | None, payload, **headers):  # noqa: ANN001, ANN003, ANN201
    if raw is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    headers.setdefault("HTTP_X_EXPERIENCE_API_VERSION", "1.0.3")
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return Client(enforce_csrf_checks=True).post(URL, body, content_type="application/json", **headers)


def test_valid_batch_is_stored_with_ids_in_order(world, token):
    _record, raw = token
    batch = [statement(), statement(verb=ATTENDED, activity="https://meet.example/room/1",
                                    actor={"account": {"homePage": "https://sso.moj.gov.vn", "name": "manager"}})]
    response = post(raw, batch)
    assert response.status_code == 200, response.content
    assert response.json() == [item["id"] for item in batch]
    events = {event.external_id: event for event in UsageEvent.objects.select_related("software", "action")}
    first, second = events[batch[0]["id"]], events[batch[1]["id"]]
    assert (first.officer, first.software.code, first.action.code) == (world.officers["officer"], "EMAIL", "mail_sent")
    assert (second.officer, second.software.code) == (world.officers["unit_manager"], "HOP")
    assert first.source == EventSource.XAPI and first.source_system == "Hệ thống thư điện tử"
    assert str(first.day) == "2026-03-02"


def test_a_single_statement_object_is_accepted(world, token):
    response = post(token[1], statement())
    assert response.status_code == 200
    assert UsageEvent.objects.count() == 1


def test_resending_the_same_ids_changes_nothing(world, token):
    batch = [statement(), statement()]
    assert post(token[1], batch).status_code == 200
    response = post(token[1], batch)
    assert response.status_code == 200
    assert response["X-Thads-Stored"] == "0" and response["X-Thads-Skipped"] == "2"
    assert UsageEvent.objects.count() == 2


@pytest.mark.parametrize("change, index, field, code", [
    (lambda s: s.pop("actor"), 1, "actor", "missing"),
    (lambda s: s.update(actor={"mbox": "nguyen@"}), 1, "actor.mbox", "invalid"),
    (lambda s: s.pop("verb"), 1, "verb.id", "missing"),
    (lambda s: s.update(verb={"id": "not an iri"}), 1, "verb.id", "invalid"),
    (lambda s: s.update(object={"objectType": "Agent", "id": "mailto:x@y.vn"}), 1, "object.objectType", "unsupported"),
    (lambda s: s.pop("object"), 1, "object.id", "missing"),
    (lambda s: s.update(id="123"), 1, "id", "invalid"),
    (lambda s: s.pop("id"), 1, "id", "missing"),
    (lambda s: s.update(timestamp="02/03/2026"), 1, "timestamp", "invalid"),
    (lambda s: s.update(timestamp="2099-01-01T00:00:00Z"), 1, "timestamp", "future"),
    (lambda s: s.update(actor={"mbox": "mailto:nobody@moj.gov.vn"}), 1, "actor.mbox", "unknown_actor"),
    (lambda s: s.update(verb={"id": "http://example.com/verbs/liked"}), 1, "verb.id", "unmapped"),
    (lambda s: s.update(object={"id": "https://example.com/other"}), 1, "object.id", "unmapped"),
])
def test_bad_statement_is_named_and_nothing_is_stored(world, token, change, index, field, code):
    batch = [statement(), statement()]
    change(batch[1])
    response = post(token[1], batch)
    assert response.status_code == 400
    assert response.json()["error"] | {"message": ""} == {"index": index, "field": field, "code": code, "message": ""}
    assert not UsageEvent.objects.exists()


def test_duplicate_id_within_a_batch_is_refused(world, token):
    first = statement()
    response = post(token[1], [first, statement(id=first["id"])])
    assert response.status_code == 400
    assert response.json()["error"]["index"] == 1 and response.json()["error"]["field"] == "id"
    assert not UsageEvent.objects.exists()


def test_batch_over_500_is_refused(world, token):
    response = post(token[1], [statement() for _ in range(501)])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many"
    assert not UsageEvent.objects.exists()


def test_batch_of_500_is_accepted(world, token):
    assert post(token[1], [statement() for _ in range(500)]).status_code == 200
    assert UsageEvent.objects.count() == 500


def test_not_json_and_missing_version_header(world, token):
    assert post(token[1], b"{not json").json()["error"]["code"] == "json"
    response = post(token[1], [statement()], HTTP_X_EXPERIENCE_API_VERSION="")
    assert response.status_code == 400 and response.json()["error"]["field"] == "X-Experience-API-Version"


def test_wrong_missing_and_revoked_tokens_are_refused(world, token):
    record, raw = token
    assert post("thx_wrong", [statement()]).status_code == 401
    assert post(None, [statement()]).status_code == 403
    xapi_services.xapi_token_revoke(token=record)
    response = post(raw, [statement()])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_token"
    assert not UsageEvent.objects.exists()


def test_a_signed_in_session_is_not_a_token(world, client_for):
    response = client_for("admin").post(URL, json.dumps([statement()]), content_type="application/json",
                                        HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 403
    assert not UsageEvent.objects.exists()


def test_only_the_hash_of_a_token_is_stored(world, token):
    record, raw = token
    record.refresh_from_db()
    assert raw not in (record.token_hash, record.prefix) and record.prefix == raw[:10]


def test_rate_limit_per_token(world, token, settings):
    settings.THADS_XAPI_REQUESTS_PER_MINUTE = 2
    other, other_raw = xapi_services.xapi_token_create(name="Họp trực tuyến")
    assert post(token[1], [statement()]).status_code == 200
    assert post(token[1], [statement()]).status_code == 200
    response = post(token[1], [statement()])
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert post(other_raw, [statement()]).status_code == 200  # another token has its own allowance
    assert UsageEvent.objects.count() == 3


def test_events_about_filled_days_are_marked_for_refill(world, token):
    from datetime import date

    from analytics.models import RefillDay
    from analytics.services import counts_fill

    counts_fill(through=date(2026, 3, 3), start=date(2026, 3, 1))
    assert post(token[1], [statement()]).status_code == 200
    assert list(RefillDay.objects.values_list("day", flat=True)) == [date(2026, 3, 2)]


def test_openapi_schema_is_served_to_anyone(db):
    response = Client().get("/api/xapi/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    post_spec = spec["paths"]["/statements"]["post"]
    assert set(post_spec["responses"]) >= {"200", "400", "401", "403", "429"}
    assert post_spec["requestBody"]["content"]["application/json"]["schema"]["oneOf"][1]["maxItems"] == 500
