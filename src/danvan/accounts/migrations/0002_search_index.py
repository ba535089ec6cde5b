from django.db import migrations

from danvan.core.migration_ops import CreateTrigramIndex


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [CreateTrigramIndex(model_name="user", field="search_name", name="user_search_trgm")]
