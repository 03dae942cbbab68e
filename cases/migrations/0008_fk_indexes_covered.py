"""Drop the single-column indexes of four foreign keys that a composite index already starts with:
steps by unit (unit, recorded_date) and by recorder (recorded_by, recorded_date), deadlines by officer
(officer, is_open, due_date) and by unit (unit, due_date). Every query on these columns, and the
PROTECT checks when a unit or officer is deleted, use the composite index instead; each step or
deadline written no longer updates two extra indexes. Only the indexes are dropped (the foreign-key
constraints stay as they are), so the tables are not rewritten or re-checked."""

import django.db.models.deletion
from django.db import migrations, models

COVERED = [  # (table, column, index name Django gave it)
    ("cases_casestep", "unit_id", "cases_casestep_unit_id_3e58d0ac"),
    ("cases_casestep", "recorded_by_id", "cases_casestep_recorded_by_id_6124d05b"),
    ("cases_casedeadline", "officer_id", "cases_casedeadline_officer_id_233efe2e"),
    ("cases_casedeadline", "unit_id", "cases_casedeadline_unit_id_8d13e445"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_step_recorded_index'),
        ('org', '0003_text_nfc'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')
                for table, column, name in COVERED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='casedeadline',
                    name='officer',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.officer'),
                ),
                migrations.AlterField(
                    model_name='casedeadline',
                    name='unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
                ),
                migrations.AlterField(
                    model_name='casestep',
                    name='recorded_by',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case_steps', to='org.officer', verbose_name='recorded by'),
                ),
                migrations.AlterField(
                    model_name='casestep',
                    name='unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
                ),
            ],
        ),
    ]
