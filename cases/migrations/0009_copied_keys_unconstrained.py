"""Drop the database constraints of the five foreign keys copied from a row that holds the same key
under its own constraint (`cases.models.COPIED_KEYS`): a step's unit (the case's), a deadline's case
(its trigger's), expected step (its rule's), officer and unit (the case's). The columns and their
indexes stay, and Django still applies each key's on_delete. On PostgreSQL only the constraints are
dropped (no table rewrite); each step or deadline written is no longer looked up in five parent tables
at commit."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_fk_indexes_covered'),
        ('org', '0003_text_nfc'),
    ]

    operations = [
        migrations.AlterField(
            model_name='casedeadline',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='cases.enforcementcase'),
        ),
        migrations.AlterField(
            model_name='casedeadline',
            name='expected',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.steptype'),
        ),
        migrations.AlterField(
            model_name='casedeadline',
            name='officer',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.officer'),
        ),
        migrations.AlterField(
            model_name='casedeadline',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
        ),
        migrations.AlterField(
            model_name='casestep',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
        ),
    ]
