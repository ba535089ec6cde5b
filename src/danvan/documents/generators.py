"""Synthetic document registers for `danvan demo` and `danvan generate`.

Demo: Quảng Ninh's register, about 1.033 documents over 2020-2025 from the provincial
mass-mobilisation commission and the communes' party committees and mobilisation teams (mostly
guidance, plans, reports and letters), the central and provincial documents the plans implement
(25-NQ/TW, 05-CT/TW, 20-NQ/TU) with "implements" relations from the provincial plans, and a few
documents with a real PDF or Word file whose words are searchable. National: about 200.000
documents over every province, written with COPY.

Idempotent: each document's natural key (issuer, year, number and symbol) is drawn from a stream
seeded by the province, and only keys not yet in the register are inserted.
"""

import time
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone

from danvan.audit import services as audit
from danvan.core.demo.bulk import between, copy_rows, pick, reserve_ids, search_text, vn_int
from danvan.core.demo.registry import GenerationRun, register
from danvan.core.search import normalize
from danvan.documents.models import (
    DocumentRelation,
    DocumentType,
    GuidanceDocument,
    RelationKind,
    Validity,
)
from danvan.documents.services import (
    SEARCH_TEXT_MAX,
    natural_key_of,
    parse_number,
    unit_path_of,
)
from danvan.organisations.models import Organisation
from danvan.territories.models import Territory

QUANG_NINH = 22
FIRST_YEAR, LAST_YEAR = 2020, 2025
DEMO_PROVINCE_TOTAL = 1033  # the Quảng Ninh article's count
NATIONAL_TOTAL = 200_000
COMMISSION_SHARE = 0.3
ISSUER_KINDS = ("party_committee", "task_force")
# Mostly guidance, plans, reports and letters, as the commissions' registers are.
TYPE_SHARES = (("HD", 0.24), ("KH", 0.24), ("BC", 0.22), ("CV", 0.18), ("TB", 0.06),
               ("CTr", 0.03), ("QĐ", 0.03))  # fmt: skip

CENTRAL = (
    # number, type, issuer, date, signer, title
    ("25-NQ/TW", "NQ", "Ban Chấp hành Trung ương", date(2013, 6, 3), "Nguyễn Phú Trọng",
     "Nghị quyết Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng khóa XI về tăng cường và "
     "đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới"),
    ("05-CT/TW", "CT", "Bộ Chính trị", date(2016, 5, 15), "Đinh Thế Huynh",
     "Chỉ thị của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách "
     "Hồ Chí Minh"),
)  # fmt: skip
PROVINCIAL_RESOLUTION = (
    "20-NQ/TU", "NQ", date(2023, 12, 12),
    "Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về phương hướng, nhiệm vụ năm 2024",
)  # fmt: skip

TITLES = {
    "HD": ("Hướng dẫn triển khai phong trào thi đua “Dân vận khéo” năm {year}",
           "Hướng dẫn tổ chức hội nghị đối thoại giữa người đứng đầu cấp ủy với Nhân dân năm {year}",
           "Hướng dẫn đăng ký, đánh giá, công nhận mô hình “Dân vận khéo” năm {year}",
           "Hướng dẫn công tác dân vận trong giải phóng mặt bằng các dự án trọng điểm năm {year}"),
    "KH": ("Kế hoạch công tác dân vận năm {year}",
           "Kế hoạch thực hiện Nghị quyết số 25-NQ/TW của Ban Chấp hành Trung ương năm {year}",
           "Kế hoạch học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year}",
           "Kế hoạch thực hiện Quy chế dân chủ ở cơ sở năm {year}",
           "Kế hoạch tổ chức phong trào xây dựng khu dân cư tự quản năm {year}"),
    "BC": ("Báo cáo sơ kết 6 tháng đầu năm {year} công tác dân vận",
           "Báo cáo tổng kết công tác dân vận năm {year}",
           "Báo cáo kết quả phong trào thi đua “Dân vận khéo” năm {year}",
           "Báo cáo kết quả tiếp xúc, đối thoại với Nhân dân năm {year}"),
    "CV": ("Công văn về việc đăng ký mô hình “Dân vận khéo” năm {year}",
           "Công văn về việc nắm tình hình tư tưởng Nhân dân dịp Tết Nguyên đán {year}",
           "Công văn về việc phối hợp vận động hiến đất làm đường năm {year}",
           "Công văn về việc báo cáo số liệu công tác dân vận quý năm {year}"),
    "TB": ("Thông báo kết luận của Thường trực về công tác dân vận năm {year}",
           "Thông báo lịch tiếp công dân của người đứng đầu cấp ủy năm {year}"),
    "CTr": ("Chương trình công tác dân vận trọng tâm năm {year}",),
    "QĐ": ("Quyết định kiện toàn Tổ dân vận năm {year}",
           "Quyết định công nhận mô hình “Dân vận khéo” năm {year}"),
}  # fmt: skip
# Sentences standing in for the text of the attached files: a national run does not render
# 200.000 PDFs, so the words a file would add to `search_text` are drawn from these.
BODY = (
    "Phát huy vai trò của Mặt trận Tổ quốc và các đoàn thể chính trị – xã hội.",  # noqa: RUF001
    "Vận động Nhân dân hiến đất, góp công làm đường giao thông nông thôn.",
    "Xây dựng khu dân cư tự quản về an ninh trật tự và vệ sinh môi trường.",
    "Tăng cường đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân.",
    "Thực hiện tốt phương châm dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng.",
    "Nhân rộng các mô hình dân vận khéo trong phát triển kinh tế và giảm nghèo bền vững.",
    "Đẩy mạnh chuyển đổi số, thương mại điện tử cho hộ nông dân sản xuất hữu cơ.",
    "Giải quyết kịp thời kiến nghị chính đáng của cử tri và Nhân dân.",
    "Phụ nữ thực hiện giảm thiểu, tái chế, tái sử dụng rác thải nhựa.",
    "Đoàn viên thanh niên tham gia lập nghiệp, hội nhập và an toàn giao thông học đường.",
    "Công nhân lao động thực hiện năm an toàn trong sản xuất.",
    "Vận động đồng bào dân tộc thiểu số giữ gìn bản sắc văn hóa, xây dựng nông thôn mới.",
    "Bảo đảm tiến độ giải phóng mặt bằng các dự án trọng điểm của tỉnh.",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ chính trị.",
    "Dân vận khéo thì việc gì cũng thành công.",
)
RECIPIENTS = (
    "Thường trực Tỉnh ủy (để b/c); các đảng ủy trực thuộc; lưu VP.",
    "Các chi bộ trực thuộc; Mặt trận Tổ quốc và các đoàn thể; lưu VT.",
)
SIGNERS = ("Nguyễn Văn Hùng", "Trần Thị Lan", "Phạm Quốc Bảo", "Lê Minh Tuấn", "Vũ Thị Hạnh")
# A few demo documents carry a real file; these words are nowhere else in the register.
FILE_WORDS = (
    "Mô hình “Chợ quê không rác thải nhựa” ở Yên Đức được nhân rộng ra toàn thị xã.",
    "Tổ hòa giải thôn Khe Sâu vận động thành công 37 hộ bàn giao mặt bằng.",
)
COLUMNS = (
    "id", "number_symbol", "number", "doc_type_id", "issuer_id", "issuer_name", "issuer_key",
    "territory_id", "unit_path", "issued_on", "signer", "title", "summary", "recipients",
    "validity", "natural_key", "search_text", "version", "created_at", "updated_at",
)  # fmt: skip


def _issuer_symbol(organisation: Organisation, year: int) -> str:
    """The issuer part of the symbol: the commission was Ban Dân vận until 2025."""
    kind = organisation.kind.code
    if kind == "mass_mobilisation_commission":
        return "BTGDVTU" if year >= 2025 else "BDVTU"
    if kind == "task_force":
        return "TDV"
    return "ĐU" if organisation.territory.level == "commune" else "TU"


def _type_table() -> list[tuple[str, float]]:
    total, table = 0.0, []
    for code, share in TYPE_SHARES:
        total += share
        table.append((code, total))
    return table


def _draw_type(rng, table) -> str:
    value = rng.random() * table[-1][1]
    for code, edge in table:
        if value <= edge:
            return code
    return table[-1][0]


def _target(run: GenerationRun, province: Territory, communes_total: int, communes: int) -> int:
    if run.scale == "demo":
        return DEMO_PROVINCE_TOTAL if province.code == QUANG_NINH else 0
    # The country's documents shared by the number of communes, the province's own at least.
    return max(300, round(NATIONAL_TOTAL * (communes + 1) / (communes_total + len(run.provinces))))


class Writer:
    def __init__(self, run: GenerationRun) -> None:
        self.run = run
        self.types = {t.code: t.pk for t in DocumentType.objects.all()}
        self.type_table = _type_table()
        self.now = timezone.now()

    def issuers(self, province: Territory, communes: list[Territory]):
        bodies = Organisation.objects.select_related("kind", "territory").order_by("pk")
        commission = bodies.filter(territory=province, kind__code="mass_mobilisation_commission")
        local = bodies.filter(territory__in=communes, kind__code__in=ISSUER_KINDS)
        return list(commission), list(local)

    def write_province(self, province: Territory, communes: list[Territory], target: int) -> int:
        commissions, local = self.issuers(province, communes)
        if not commissions and not local:
            return 0
        territory_ids = [province.pk, *(c.pk for c in communes)]
        existing = set(
            GuidanceDocument.objects.filter(territory_id__in=territory_ids).values_list(
                "natural_key", flat=True
            )
        )
        if len(existing) >= target:
            return 0
        rng = self.run.rng(f"documents:{province.code}")
        sequences: dict[tuple, int] = defaultdict(int)
        rows: list[list] = []
        for index in range(target):
            if local and (not commissions or rng.random() > COMMISSION_SHARE):
                issuer = pick(rng, local)
            else:
                issuer = pick(rng, commissions)
            year = FIRST_YEAR + int(rng.random() * (LAST_YEAR - FIRST_YEAR + 1))
            code = _draw_type(rng, self.type_table)
            issued_on = between(rng, date(year, 1, 2), date(year, 12, 28))
            sequences[(issuer.pk, code, year)] += 1
            number_symbol = (
                f"{sequences[(issuer.pk, code, year)]}-{code}/{_issuer_symbol(issuer, year)}"
            )
            key = natural_key_of(
                issuer_id=issuer.pk, issuer_name=issuer.name, year=year, number_symbol=number_symbol
            )
            title = pick(rng, TITLES[code]).format(year=year)
            summary = f"{pick(rng, BODY)} {pick(rng, BODY)}"
            body = " ".join(pick(rng, BODY) for _ in range(4 + int(rng.random() * 8)))
            signer, recipients = pick(rng, SIGNERS), pick(rng, RECIPIENTS)
            # Every value is drawn before this test, so a second run draws the same stream.
            if key in existing:
                continue
            existing.add(key)
            text = search_text(
                number_symbol, title, summary, issuer.name, signer, issuer.territory.name, body,
                limit=SEARCH_TEXT_MAX,
            )  # fmt: skip
            validity = (
                Validity.EXPIRED if year < LAST_YEAR - 2 and code == "KH" else Validity.IN_FORCE
            )
            rows.append([
                None, number_symbol, parse_number(number_symbol), self.types[code], issuer.pk,
                issuer.name, normalize(issuer.name)[:255], issuer.territory_id,
                unit_path_of(issuer.territory), issued_on, signer,
                title, summary, recipients, validity, key, text, 1, self.now, self.now,
            ])  # fmt: skip
            if index and index % 50_000 == 0:
                self.run.say(f"    {vn_int(index)} documents drawn")
        first = reserve_ids(GuidanceDocument, len(rows))
        for offset, row in enumerate(rows):
            row[0] = first + offset
        copy_rows(
            GuidanceDocument, COLUMNS, [tuple(r) for r in rows], batch_size=self.run.batch_size
        )
        return len(rows)

    def audit(self, province: Territory, created: int) -> None:
        if not created:
            return
        audit.record(
            [
                audit.Change(
                    action=audit.Action.IMPORT,
                    object_type="documents.guidancedocument",
                    object_repr=f"{province.name}: {vn_int(created)} văn bản (dữ liệu mẫu)",
                    territory_id=province.pk,
                    changes={"documents": [None, created]},
                )
            ],
            actor=self.run.actor,
        )


def _document(key_parts: dict, defaults: dict) -> tuple[GuidanceDocument, bool]:
    key = natural_key_of(**key_parts)
    found = GuidanceDocument.objects.filter(natural_key=key).first()
    if found is not None:
        return found, False
    document = GuidanceDocument(natural_key=key, **defaults)
    document.number = parse_number(document.number_symbol)
    document.issuer_key = normalize(document.issuer_name)[:255]
    document.unit_path = unit_path_of(document.territory)
    document.search_text = search_text(
        document.number_symbol, document.title, document.summary, document.issuer_name,
        document.signer, limit=SEARCH_TEXT_MAX,
    )  # fmt: skip
    document.save()
    return document, True


def ensure_reference_documents(run: GenerationRun) -> dict[str, int]:
    """25-NQ/TW, 05-CT/TW, Quảng Ninh's 20-NQ/TU, and the provincial plans implementing them."""
    types = {t.code: t for t in DocumentType.objects.all()}
    created = 0
    central = {}
    for number_symbol, code, issuer_name, issued_on, signer, title in CENTRAL:
        document, new = _document(
            {"issuer_id": None, "issuer_name": issuer_name, "year": issued_on.year,
             "number_symbol": number_symbol},
            {"number_symbol": number_symbol, "doc_type": types[code], "issuer_name": issuer_name,
             "issued_on": issued_on, "signer": signer, "title": title,
             "recipients": "Các tỉnh ủy, thành ủy, các ban đảng, đảng đoàn, ban cán sự đảng."},
        )  # fmt: skip
        central[number_symbol] = document
        created += new
    relations = 0
    province = next((p for p in run.provinces if p.code == QUANG_NINH), None)
    if province is not None:
        bodies = Organisation.objects.filter(territory=province).select_related("kind")
        committee = bodies.filter(kind__code="party_committee").first()
        commission = bodies.filter(kind__code="mass_mobilisation_commission").first()
        if committee is not None:
            number_symbol, code, issued_on, title = PROVINCIAL_RESOLUTION
            resolution, new = _document(
                {"issuer_id": committee.pk, "issuer_name": committee.name,
                 "year": issued_on.year, "number_symbol": number_symbol},
                {"number_symbol": number_symbol, "doc_type": types[code], "issuer": committee,
                 "issuer_name": committee.name, "territory": province, "issued_on": issued_on,
                 "signer": "Nguyễn Xuân Ký", "title": title},
            )  # fmt: skip
            central[number_symbol] = resolution
            created += new
        if commission is not None:
            plans = (
                ("KH", 2024, "25-NQ/TW", "Kế hoạch thực hiện Nghị quyết số 25-NQ/TW về công tác dân vận năm 2024"),
                ("KH", 2024, "20-NQ/TU", "Kế hoạch triển khai Nghị quyết số 20-NQ/TU của Tỉnh ủy trong công tác dân vận năm 2024"),
                ("KH", 2024, "05-CT/TW", "Kế hoạch học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2024"),
                ("HD", 2025, "25-NQ/TW", "Hướng dẫn thực hiện Nghị quyết số 25-NQ/TW trong hệ thống chính trị hai cấp năm 2025"),
            )  # fmt: skip
            for number, (code, year, implements, title) in enumerate(plans, start=101):
                number_symbol = f"{number}-{code}/{_issuer_symbol(commission, year)}"
                plan, new = _document(
                    {"issuer_id": commission.pk, "issuer_name": commission.name, "year": year,
                     "number_symbol": number_symbol},
                    {"number_symbol": number_symbol, "doc_type": types[code],
                     "issuer": commission, "issuer_name": commission.name, "territory": province,
                     "issued_on": date(year, 1, 20), "signer": pick(run.rng("documents:signers"), SIGNERS),
                     "title": title},
                )  # fmt: skip
                created += new
                target = central.get(implements)
                if target is not None:
                    _link, made = DocumentRelation.objects.get_or_create(
                        source=plan, target=target, kind=RelationKind.IMPLEMENTS
                    )
                    relations += made
    return {"reference_documents": created, "relations": relations}


def attach_demo_files(run: GenerationRun) -> int:
    """A real PDF and a real Word file on two Quảng Ninh documents, their text read at once."""
    from danvan.core import attachments, text_extraction
    from danvan.core.documents import OfficialDocument, Paragraph, Signer, render_docx, render_pdf
    from danvan.core.models import Attachment, AttachmentKind

    candidates = list(
        GuidanceDocument.objects.filter(
            territory__province_code=QUANG_NINH, territory__level="province", doc_type__code="BC"
        ).order_by("issued_on", "pk")[: len(FILE_WORDS)]
    )
    made = 0
    for index, (document, words) in enumerate(zip(candidates, FILE_WORDS, strict=False)):
        owner_filter = {"owner_type": "documents.guidancedocument", "owner_id": str(document.pk)}
        if Attachment.objects.filter(**owner_filter).exists():
            continue
        content = OfficialDocument(
            style="party", parent_body="TỈNH ỦY QUẢNG NINH", issuer=document.issuer_name.upper(),
            number_label=f"Số {document.number_symbol}", place="Quảng Ninh",
            issued_on=document.issued_on, doc_type="BÁO CÁO", summary=document.title,
            blocks=[Paragraph(document.summary or document.title), Paragraph(words)],
            signer=Signer("T/M BAN THƯỜNG VỤ", "PHÓ TRƯỞNG BAN", document.signer or "Nguyễn Văn A"),
            recipients=["Thường trực Tỉnh ủy", "Lưu VP"],
        )  # fmt: skip
        if index % 2 == 0:
            data, kind, mime, name = (
                render_pdf(content),
                AttachmentKind.PDF,
                attachments.PDF_MIME,
                "bao-cao.pdf",
            )
        else:
            data, kind, mime, name = (
                render_docx(content),
                AttachmentKind.DOCX,
                attachments.DOCX_MIME,
                "bao-cao.docx",
            )
        with transaction.atomic():
            attachment = attachments.attachment_add_generated(
                owner=document, filename=name, content=data, kind=kind, mime_type=mime,
                actor=run.actor, caption="Văn bản đầy đủ",
            )  # fmt: skip
        # Read at once, so the demo's search finds the words right away (the queued task will
        # find the work done).
        text_extraction.attachment_extract_text(attachment.pk)
        made += 1
    return made


@register("documents", order=600)
def generate_documents(run: GenerationRun) -> dict[str, int]:
    started = time.perf_counter()
    with transaction.atomic():
        counts = ensure_reference_documents(run)
    communes_of: dict[int, list[Territory]] = defaultdict(list)
    for commune in run.communes:
        communes_of[commune.province_code].append(commune)
    writer = Writer(run)
    total = 0
    for province in run.provinces:
        communes = communes_of.get(province.code, [])
        target = _target(run, province, len(run.communes), len(communes))
        if not target:
            continue
        begun = time.perf_counter()
        with transaction.atomic():
            created = writer.write_province(province, communes, target)
            writer.audit(province, created)
        total += created
        if created:
            run.say(
                f"  {province.name}: {vn_int(created)} documents ({time.perf_counter() - begun:.1f} s)"
            )
    counts["documents"] = total
    if run.scale == "demo":
        counts["files"] = attach_demo_files(run)
    run.say(f"  documents: {time.perf_counter() - started:.1f} s")
    return counts
