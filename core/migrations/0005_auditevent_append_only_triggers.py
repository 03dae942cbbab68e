"""The audit log refuses UPDATE and DELETE in the database itself (core.audit_triggers)."""

from django.db import migrations


def create_triggers(apps, schema_editor):  # noqa: ANN001, ANN201
    from core.audit_triggers import create_sql

    for statement in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):  # noqa: ANN001, ANN201
    from core.audit_triggers import drop_sql

    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_merge_certificates_signin")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
