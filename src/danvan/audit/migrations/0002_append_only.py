"""Make the audit table append-only at the database level and create the chain head row."""

from django.db import migrations

from danvan.audit import db_guard


def forwards(apps, schema_editor):
    db_guard.install(schema_editor.connection)
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1)


def backwards(apps, schema_editor):
    db_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
