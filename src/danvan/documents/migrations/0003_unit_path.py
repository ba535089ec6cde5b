from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_unit_paths(apps, schema_editor):
    GuidanceDocument = apps.get_model("documents", "GuidanceDocument")
    Territory = apps.get_model("territories", "Territory")
    path = Territory.objects.filter(pk=OuterRef("territory_id")).values("scope_path")[:1]
    GuidanceDocument.objects.exclude(territory=None).update(unit_path=Subquery(path))


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0002_types_issuer_key_and_word_search"),
        ("territories", "0002_search_index"),
    ]

    operations = [
        # Indexed twice on PostgreSQL, as Django does for every indexed CharField: the plain
        # btree and a varchar_pattern_ops one for `LIKE 'prefix%'` (the `__under` lookup).
        migrations.AddField(
            model_name="guidancedocument",
            name="unit_path",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_unit_paths, migrations.RunPython.noop),
    ]
