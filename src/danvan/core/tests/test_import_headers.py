import pytest

from danvan.core.imports import readers
from danvan.core.imports.headers import find_header, match_cells
from danvan.core.tests.import_helpers import ORG_HEADERS, org_row, territory_tree, write_xlsx
from danvan.organisations.imports import OrganisationImport

COLUMNS = OrganisationImport.columns


def test_headers_match_without_accents_case_spaces_or_line_breaks():
    cells = [
        "TEN TO CHUC",
        " loai   to chuc ",
        "Tỉnh/\nThành phố",
        "Xa/Phuong",
        "So thanh vien (nguoi)",
        "Cột lạ",
    ]

    mapping, ignored = match_cells(cells, COLUMNS)

    assert mapping == {"name": 0, "kind": 1, "province": 2, "commune": 3, "member_count": 4}
    assert ignored == ["Cột lạ"]


def test_parent_header_is_not_mistaken_for_the_name_column():
    mapping, _ignored = match_cells(["Tên tổ chức cấp trên", "Tên tổ chức"], COLUMNS)

    assert mapping["parent"] == 0
    assert mapping["name"] == 1


def test_header_found_below_merged_title_rows(tmp_path):
    path = write_xlsx(
        tmp_path,
        [ORG_HEADERS, org_row()],
        title_rows=[["DANH SÁCH TỔ CHỨC NĂM 2025"], ["(Kèm theo Công văn số 12/BDV)"], []],
        merge_title=True,
    )

    header, rows = find_header(readers.open_rows(path, "xlsx").rows, COLUMNS)

    assert header.row_number == 4
    assert len(header.mapping) == 12
    assert next(rows)[0] == 5


def test_no_header_in_the_first_rows_gives_none(tmp_path):
    path = write_xlsx(tmp_path, [["a", "b"], ["c", "d"]])

    header, _rows = find_header(readers.open_rows(path, "xlsx").rows, COLUMNS)

    assert header is None


@pytest.mark.django_db
def test_streaming_reader_gives_the_same_rows_as_calamine(tmp_path, settings):
    territory_tree()
    path = write_xlsx(
        tmp_path, [ORG_HEADERS, org_row(members=1250, founded="05/03/2020"), org_row(name="Hội B")]
    )
    fast = list(readers.open_rows(path, "xlsx").rows)

    settings.DANVAN_IMPORT_STREAM_ABOVE_BYTES = 0
    streamed = list(readers.open_rows(path, "xlsx").rows)

    def same(cells):
        return [c for c in cells if c not in (None, "")]

    assert [(n, same(c)) for n, c in streamed] == [(n, same(c)) for n, c in fast]


def test_streaming_reader_reads_shared_strings_dates_and_gaps(tmp_path, settings):
    import datetime

    import xlsxwriter

    path = tmp_path / "shared.xlsx"
    workbook = xlsxwriter.Workbook(str(path))  # default mode: shared strings table
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Tên", "Ngày"])
    sheet.write_string(1, 0, "Hội Nông dân & Cựu chiến binh")
    sheet.write_datetime(
        1, 2, datetime.date(2020, 3, 5), workbook.add_format({"num_format": "dd/mm/yyyy"})
    )
    sheet.write_number(3, 1, 12.5)
    workbook.close()
    settings.DANVAN_IMPORT_STREAM_ABOVE_BYTES = 0

    rows = list(readers.open_rows(path, "xlsx").rows)

    assert rows[1] == (2, ["Hội Nông dân & Cựu chiến binh", None, datetime.date(2020, 3, 5)])
    assert rows[2] == (4, [None, 12.5])


def test_csv_reader_handles_bom_and_semicolons(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("\ufeffTên tổ chức;Số thành viên\nHội Phụ nữ;1.250\n".encode())

    rows = list(readers.open_rows(path, "csv").rows)

    assert rows == [(1, ["Tên tổ chức", "Số thành viên"]), (2, ["Hội Phụ nữ", "1.250"])]


@pytest.mark.parametrize(
    ("head", "name", "ok"),
    [
        (b"PK\x03\x04rest", "a.xlsx", True),
        (b"Ten,So\n1,2\n", "a.csv", True),
        (b"Ten,So\n1,2\n", "a.xlsx", False),  # not a zip
        (b"PK\x03\x04rest", "a.csv", False),  # a workbook renamed to .csv
        (b"\xff\xfeT\x00", "a.csv", False),  # UTF-16
        (b"MZ\x90\x00", "a.exe", False),
    ],
)
def test_sniff_checks_extension_and_content(head, name, ok):
    if ok:
        assert readers.sniff(head, name) in {"xlsx", "csv"}
    else:
        with pytest.raises(readers.FileRejected):
            readers.sniff(head, name)


def test_zip_without_workbook_is_rejected(tmp_path):
    import zipfile

    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")

    with pytest.raises(readers.FileRejected):
        readers.check_xlsx_structure(path)
