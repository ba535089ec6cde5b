"""Shared helpers for the import pipeline tests: a small territory tree and sheet builders."""

import io
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

ORG_HEADERS = [
    "Tên tổ chức", "Tên viết tắt", "Loại tổ chức", "Tỉnh/Thành phố", "Xã/Phường/Đặc khu",
    "Tổ chức cấp trên", "Địa chỉ", "Điện thoại", "Email", "Ngày thành lập", "Số thành viên", "Ghi chú",
]  # fmt: skip


def territory_tree():
    """Quảng Ninh with two communes, and Đà Nẵng with one (outside a Quảng Ninh user's scope)."""
    quang_ninh = ProvinceFactory(code=22, name="Tỉnh Quảng Ninh")
    dong_trieu = CommuneFactory(
        parent=quang_ninh, code=7021, name="Phường Đông Triều", division_type="phường"
    )
    hai_ha = CommuneFactory(parent=quang_ninh, code=7190, name="Xã Hải Hà")
    da_nang = ProvinceFactory(
        code=48, name="Thành phố Đà Nẵng", division_type="thành phố trung ương"
    )
    tam_ky = CommuneFactory(
        parent=da_nang, code=20341, name="Phường Tam Kỳ", division_type="phường"
    )
    return {
        "quang_ninh": quang_ninh,
        "dong_trieu": dong_trieu,
        "hai_ha": hai_ha,
        "da_nang": da_nang,
        "tam_ky": tam_ky,
    }


def xlsx_bytes(
    rows: list[list], *, title_rows: list[list] | None = None, merge_title: bool = False
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # XlsxWriter stamps the creation time into the file; fix it so that the same rows always
    # give the same bytes (re-import detection compares file hashes).
    workbook.set_properties({"created": datetime(2025, 7, 1, tzinfo=UTC)})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    row_index = 0
    for title in title_rows or []:
        if merge_title and title:
            sheet.merge_range(row_index, 0, row_index, 5, title[0])
        else:
            sheet.write_row(row_index, 0, title)
        row_index += 1
    for row in rows:
        for col, value in enumerate(row):
            if value is None:
                continue
            if hasattr(value, "year"):
                sheet.write_datetime(row_index, col, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(row_index, col, value)
            else:
                sheet.write(row_index, col, value)
        row_index += 1
    workbook.close()
    return buffer.getvalue()


def write_xlsx(tmp_path: Path, rows: list[list], name: str = "data.xlsx", **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows, **kwargs))
    return path


def upload(rows: list[list], name: str = "to-chuc.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs))


def org_row(name="Hội Phụ nữ phường Đông Triều", **overrides) -> list:
    values = {
        "name": name, "short": "", "kind": "Hội Liên hiệp Phụ nữ", "province": "Quảng Ninh",
        "commune": "Phường Đông Triều", "parent": "", "address": "", "phone": "", "email": "",
        "founded": "", "members": "", "note": "",
    }  # fmt: skip
    values.update(overrides)
    return list(values.values())
