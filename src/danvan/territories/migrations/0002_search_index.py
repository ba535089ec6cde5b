from django.db import migrations

from danvan.core.migration_ops import CreateTrigramIndex


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]
    operations = [CreateTrigramIndex(model_name="territory", field="search_name", name="territory_search_trgm")]
