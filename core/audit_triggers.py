"""The audit log is append-only in the database itself: triggers refuse UPDATE and DELETE.

One change is let through: a user's deletion sets `actor_id` to NULL (on_delete=SET_NULL) and changes
nothing else; `actor_label` keeps who it was. Created by migration core 0005 on SQLite and PostgreSQL.
On SQLite, Django rebuilds a table to alter it, which drops its triggers: a migration that alters
AuditEvent must run `create_sql` again (core/tests/test_audit_append_only.py checks they exist).
`manage.py flush` (tests between transactional cases) empties the table through the project's SQLite
back-end, which drops and re-creates the triggers around it; PostgreSQL's flush is a TRUNCATE, which
row triggers do not see.
"""

from __future__ import annotations

TABLE = "core_auditevent"
MESSAGE = "audit events are append-only"
COLUMNS = ("at", "actor_label", "action", "target", "detail", "ip")

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_append_only_update BEFORE UPDATE ON {TABLE}
        WHEN NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND NEW.id = OLD.id AND
                  {" AND ".join(f"NEW.{column} IS OLD.{column}" for column in COLUMNS)})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_append_only_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only_update",
               f"DROP TRIGGER IF EXISTS {TABLE}_append_only_delete"]

POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND NEW.id = OLD.id
             AND ({", ".join(f"NEW.{column}" for column in COLUMNS)})
                 IS NOT DISTINCT FROM ({", ".join(f"OLD.{column}" for column in COLUMNS)}) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION '{MESSAGE}';
        END $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
]
POSTGRESQL_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
                   f"DROP FUNCTION IF EXISTS {TABLE}_append_only()"]


def create_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}.get(vendor, [])


def drop_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, [])
