"""Default report templates: six-month (sơ kết) and annual (tổng kết) reports for the commission,
party committees, People's Committees and, as a fallback, any other organisation.

They are ordinary data: administrators adjust them, or add narrower ones for their unit.
"""

from django.db import migrations

PARTY_RECIPIENTS = "Ban Thường vụ cấp ủy cấp trên (b/c);\nCác đồng chí Ủy viên Ban Thường vụ;\nCác chi bộ, đảng bộ trực thuộc;\nLưu Văn phòng."
COMMISSION_RECIPIENTS = "Ban Tuyên giáo và Dân vận Trung ương (b/c);\nThường trực Tỉnh ủy (b/c);\nCác đảng ủy trực thuộc;\nLưu Văn phòng."
STATE_RECIPIENTS = "Thường trực Đảng ủy (b/c);\nThường trực HĐND;\nChủ tịch, các Phó Chủ tịch UBND;\nỦy ban MTTQ Việt Nam và các đoàn thể;\nLưu: VT."
ANY_RECIPIENTS = "Cơ quan cấp trên (b/c);\nCác đơn vị liên quan;\nLưu: VT."

OPENING = {
    "six_month": (
        "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng về tăng cường "
        "và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới và kế hoạch công tác "
        "năm {year}, {organisation} báo cáo sơ kết công tác dân vận {period} như sau:"
    ),
    "annual": (
        "Thực hiện Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng về tăng cường "
        "và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới và kế hoạch công tác "
        "năm {year}, {organisation} báo cáo tổng kết công tác dân vận {period} như sau:"
    ),
}
CLOSING = {
    "six_month": (
        "Tiếp tục quán triệt, triển khai Nghị quyết số 25-NQ/TW và Chỉ thị số 05-CT/TW; phấn đấu hoàn "
        "thành các chỉ tiêu kế hoạch năm {year}.\n"
        "Đẩy mạnh phong trào thi đua \u201cDân vận khéo\u201d, nhân rộng các mô hình, điển hình tiêu biểu.\n"
        "Tăng cường đối thoại, tiếp nhận và giải quyết kịp thời kiến nghị của Nhân dân."
    ),
    "annual": (
        "Tiếp tục quán triệt, triển khai Nghị quyết số 25-NQ/TW và Chỉ thị số 05-CT/TW; xây dựng kế "
        "hoạch công tác dân vận cho {next_period}.\n"
        "Đẩy mạnh phong trào thi đua \u201cDân vận khéo\u201d, nhân rộng các mô hình, điển hình tiêu biểu.\n"
        "Tăng cường đối thoại, tiếp nhận và giải quyết kịp thời kiến nghị của Nhân dân."
    ),
}
TITLE = {
    "six_month": "Sơ kết công tác dân vận {period}",
    "annual": "Tổng kết công tác dân vận {period}",
}
# (organisation kind or None, label, recipients, signer authority, signer position)
BODIES = [
    ("mass_mobilisation_commission", "Ban Tuyên giáo và Dân vận", COMMISSION_RECIPIENTS, "K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC"),
    ("party_committee", "cấp ủy", PARTY_RECIPIENTS, "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"),
    ("peoples_committee", "Ủy ban nhân dân", STATE_RECIPIENTS, "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    (None, "các cơ quan, đơn vị khác", ANY_RECIPIENTS, "", "THỦ TRƯỞNG ĐƠN VỊ"),
]
KIND_LABELS = {"six_month": "Báo cáo sơ kết 6 tháng", "annual": "Báo cáo tổng kết năm"}


def seed(apps, schema_editor):
    Template = apps.get_model("reports", "ReportTemplate")
    Kind = apps.get_model("organisations", "OrganisationKind")
    kinds = {k.code: k for k in Kind.objects.all()}
    for kind_code, label, recipients, authority, position in BODIES:
        organisation_kind = kinds.get(kind_code) if kind_code else None
        if kind_code and organisation_kind is None:
            continue
        for report_kind in ("six_month", "annual"):
            Template.objects.get_or_create(
                kind=report_kind,
                organisation_kind=organisation_kind,
                territory=None,
                name=f"{KIND_LABELS[report_kind]} ({label})",
                defaults={
                    "title": TITLE[report_kind],
                    "opening": OPENING[report_kind],
                    "closing": CLOSING[report_kind],
                    "recipients": recipients,
                    "signer_authority": authority,
                    "signer_position": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("organisations", "0002_kinds_and_search"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
