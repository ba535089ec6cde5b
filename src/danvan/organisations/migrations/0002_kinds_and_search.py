"""Seed the organisation kinds (editable data afterwards) and index the search column."""

from django.db import migrations

from danvan.core.migration_ops import CreateTrigramIndex

KINDS = [
    ("party_committee", "Cấp ủy Đảng", "Party committee", 10),
    ("mass_mobilisation_commission", "Ban Tuyên giáo và Dân vận", "Propaganda and Mass Mobilisation Commission", 20),
    ("peoples_committee", "Ủy ban nhân dân", "People's Committee", 30),
    ("government_department", "Cơ quan chuyên môn", "Government department", 40),
    ("fatherland_front", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Fatherland Front Committee", 50),
    ("farmers_union", "Hội Nông dân", "Farmers' Union", 60),
    ("womens_union", "Hội Liên hiệp Phụ nữ", "Women's Union", 70),
    ("youth_union", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Ho Chi Minh Communist Youth Union", 80),
    ("veterans_association", "Hội Cựu chiến binh", "Veterans' Association", 90),
    ("trade_union", "Công đoàn", "Trade Union", 100),
    ("school", "Trường học", "School", 110),
    ("enterprise", "Doanh nghiệp", "Enterprise", 120),
    ("task_force", "Tổ dân vận", "Mass-mobilisation task force", 130),
    ("emulation_council", "Hội đồng Thi đua – Khen thưởng", "Emulation and Commendation Council", 140),
]


def seed(apps, schema_editor):
    Kind = apps.get_model("organisations", "OrganisationKind")
    for code, name_vi, name_en, order in KINDS:
        Kind.objects.update_or_create(code=code, defaults={"name_vi": name_vi, "name_en": name_en, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        CreateTrigramIndex(model_name="organisation", field="search_name", name="organisation_search_trgm"),
    ]
