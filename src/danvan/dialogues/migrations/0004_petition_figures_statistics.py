"""Tell PostgreSQL's planner how `rollup` and `facet` go together in the kept figures.

Rollup rows are one in six of the table but most of them are agency rows, so "rollup and
field" is estimated at about 60,000 rows when it is 4,000; the inflated cost then switches on
JIT compilation, which alone costs ~150 ms. Multi-column MCV statistics give the exact mix.
"""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS petition_figures_rollup_facet (mcv) "
    "ON rollup, facet FROM dialogues_petitionfigures"
)
DROP = "DROP STATISTICS IF EXISTS petition_figures_rollup_facet"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0003_petition_figures")]

    operations = [migrations.RunPython(create, drop)]
