"""Seed fields, indicator kinds and a default scoring sheet (all editable data afterwards), and
index the full-text column for accent-insensitive search."""

from django.db import migrations

from danvan.core.migration_ops import CreateTrigramIndex

FIELDS = [
    ("kinh_te", "Kinh tế", "Economy", 10),
    ("van_hoa_xa_hoi", "Văn hóa – xã hội", "Culture and society", 20),
    ("quoc_phong_an_ninh", "Quốc phòng – an ninh", "Defence and security", 30),
    ("xay_dung_dang_httc", "Xây dựng Đảng và hệ thống chính trị", "Party building and the political system", 40),
]

# code, Vietnamese, English, unit, is_money, is_whole, order
INDICATOR_KINDS = [
    ("households", "Số hộ tham gia", "Households taking part", "hộ", False, True, 10),
    ("participants", "Số người tham gia", "People taking part", "người", False, True, 20),
    ("money_mobilised", "Kinh phí vận động", "Money mobilised", "VND", True, True, 30),
    ("working_days", "Ngày công đóng góp", "Working days contributed", "ngày công", False, True, 40),
    ("road_km", "Đường giao thông làm mới, sửa chữa", "Roads built or repaired", "km", False, False, 50),
    ("land_donated_m2", "Diện tích đất hiến", "Land donated", "m²", False, False, 60),
    ("petitions_resolved", "Kiến nghị được giải quyết", "Petitions resolved", "kiến nghị", False, True, 70),
    ("trees_planted", "Cây xanh trồng mới", "Trees planted", "cây", False, True, 80),
]

CRITERIA = [
    ("hieu_qua", "Hiệu quả, kết quả cụ thể", "Effectiveness and measurable results", 30),
    ("su_tham_gia", "Sự tham gia, đồng thuận của Nhân dân", "Participation and support of the people", 25),
    ("nhan_rong", "Khả năng nhân rộng", "Replicability", 20),
    ("sang_tao", "Tính sáng tạo, đổi mới", "Innovation", 15),
    ("ben_vung", "Tính bền vững", "Sustainability", 10),
]


def seed(apps, schema_editor):
    Field = apps.get_model("initiatives", "Field")
    IndicatorKind = apps.get_model("initiatives", "IndicatorKind")
    CriteriaSet = apps.get_model("initiatives", "CriteriaSet")
    Criterion = apps.get_model("initiatives", "Criterion")
    for code, name_vi, name_en, order in FIELDS:
        Field.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "sort_order": order}
        )
    for code, name_vi, name_en, unit, is_money, is_whole, order in INDICATOR_KINDS:
        IndicatorKind.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "unit": unit,
                "is_money": is_money,
                "is_whole": is_whole,
                "sort_order": order,
            },
        )
    if not CriteriaSet.objects.exists():
        sheet = CriteriaSet.objects.create(name="Phiếu chấm điểm mô hình “Dân vận khéo” (100 điểm)")
        for order, (code, name_vi, _name_en, weight) in enumerate(CRITERIA):
            Criterion.objects.create(
                criteria_set=sheet,
                code=code,
                name=name_vi,
                weight=weight,
                max_score=weight,
                sort_order=order * 10,
            )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        CreateTrigramIndex(
            model_name="initiative", field="search_text", name="initiative_search_trgm"
        ),
    ]
