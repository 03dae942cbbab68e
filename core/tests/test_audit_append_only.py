"""The audit log is append-only in the database itself, and records the real client address."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from core.models import AuditEvent, User
from core.services import audit_record


def raw(sql: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def event(db):  # noqa: ANN001, ANN201
    user = User.objects.create_user(username="nguoi-ghi", password="x" * 12)
    return audit_record(action=AuditEvent.Action.OTHER, actor=user, target="muc-tieu", detail={"a": 1})


def test_raw_sql_cannot_change_or_delete_an_audit_entry(event):
    for sql in ("UPDATE core_auditevent SET target = 'khac' WHERE id = %s",
                "UPDATE core_auditevent SET actor_id = NULL, target = 'khac' WHERE id = %s",
                "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            raw(sql, [event.pk])
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.target, kept.actor_label, kept.detail) == ("muc-tieu", "nguoi-ghi", {"a": 1})


def test_deleting_a_user_keeps_their_entries_with_the_name_as_typed(event):
    User.objects.filter(username="nguoi-ghi").delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.actor_id is None
    assert kept.actor_label == "nguoi-ghi"
    assert kept.target == "muc-tieu"


def test_sign_in_records_the_client_address_behind_the_trusted_proxy(world, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    Client().post("/accounts/login/", {"login": "officer", "password": "Test-password-123"},
                  REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23")
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip == "198.51.100.23"
