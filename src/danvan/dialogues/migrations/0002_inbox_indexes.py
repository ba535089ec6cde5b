# Indexes for the officer inbox: open, answered and hidden petitions (bench/dialogues_bench.py).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0001_initial"),
        ("organisations", "0002_kinds_and_search"),
        ("territories", "0002_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("status__in", ["received", "assigned", "in_progress"])),
                fields=["territory", "deadline", "status", "officer", "agency", "escalated_at"],
                name="petition_open_inbox",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("status__in", ["received", "assigned", "in_progress"])),
                fields=["deadline", "received_at", "id"],
                name="petition_open_order",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("status__in", ["answered", "closed"])),
                fields=["-answered_at"],
                name="petition_answered_inbox",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("status__in", ["merged", "spam"])),
                fields=["territory", "status"],
                name="petition_hidden_inbox",
            ),
        ),
    ]
