"""Emptying the database between transactional tests (and `manage.py flush`) still works with the audit
log's append-only triggers, which come back afterwards. Kept here, after the app tests: a transactional
test closes the shared test connection, which tests run later in the same app folder may not expect."""

from __future__ import annotations

import pytest
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from core.models import AuditEvent, User
from core.services import audit_record


def raw(sql: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database_and_the_triggers_come_back():
    user = User.objects.create_user(username="tam", password="x" * 12)
    audit_record(action=AuditEvent.Action.OTHER, actor=user, target="a")
    # What `manage.py flush` and the test runner run between transactional tests.
    statements = connection.ops.sql_flush(no_style(), connection.introspection.django_table_names(only_existing=True))
    connection.ops.execute_sql_flush(statements)
    assert not AuditEvent.objects.exists()
    entry = audit_record(action=AuditEvent.Action.OTHER, target="b")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM core_auditevent WHERE id = %s", [entry.pk])
