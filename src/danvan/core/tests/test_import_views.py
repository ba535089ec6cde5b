import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import user_with_role
from danvan.core.models import ImportBatch, ImportStatus
from danvan.core.tests.import_helpers import ORG_HEADERS, org_row, territory_tree, upload
from danvan.organisations.models import Organisation
from danvan.organisations.tests.factories import OrganisationKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    tree = territory_tree()
    OrganisationKindFactory(
        code="womens_union", name_vi="Hội Liên hiệp Phụ nữ", name_en="Women's Union"
    )
    user = user_with_role("officer", tree["quang_ninh"])
    client.force_login(user)
    return user


def test_upload_check_preview_commit_and_result(
    client, officer, django_capture_on_commit_callbacks
):
    start = reverse("core:import-start", args=["organisations"])
    page = client.get(start)
    assert page.status_code == 200
    assert reverse("core:import-template", args=["organisations"]).encode() in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            start, {"file": upload([ORG_HEADERS, org_row(members="1.250"), org_row(name="Hội B")])}
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:import-detail", args=[batch.pk])

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert batch.refresh_from_db() or batch.status == ImportStatus.VALIDATED
    assert "1.250" in preview.content.decode()
    assert reverse("core:import-commit", args=[batch.pk]).encode() in preview.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import-commit", args=[batch.pk]))
    assert response.status_code == 302

    result = client.get(reverse("core:import-detail", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert Organisation.objects.filter(name="Hội B").exists()
    assert "Import finished" in result.content.decode()


def test_errors_page_lists_errors_and_offers_the_rejected_rows(
    client, officer, django_capture_on_commit_callbacks
):
    rows = [ORG_HEADERS, *[org_row(name=f"Hội {i}", members="nhiều") for i in range(60)]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-start", args=["organisations"]), {"file": upload(rows)})
    batch = ImportBatch.objects.get()

    first = client.get(reverse("core:import-detail", args=[batch.pk])).content.decode()
    second = client.get(reverse("core:import-detail", args=[batch.pk]) + "?page=2").content.decode()
    download = client.get(reverse("core:import-rejected", args=[batch.pk]))

    assert batch.status == ImportStatus.INVALID
    assert "<td>61</td>" not in first
    assert "<td>61</td>" in second
    assert reverse("core:import-commit", args=[batch.pk]) not in first
    sheet = CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(download.streaming_content))
    ).get_sheet_by_index(0)
    assert len(sheet.to_python()) == 61
    response = client.post(reverse("core:import-commit", args=[batch.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(name="Hội 1").exists()


def test_bad_file_is_refused_inline(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("to-chuc.xlsx", b"this is not a workbook")

    response = client.post(reverse("core:import-start", args=["organisations"]), {"file": fake})

    assert response.status_code == 400
    assert "not a valid Excel workbook" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_oversize_file_is_refused(client, officer, settings):
    settings.DANVAN_IMPORT_MAX_BYTES = 100

    response = client.post(
        reverse("core:import-start", args=["organisations"]),
        {"file": upload([ORG_HEADERS, org_row()])},
    )

    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_template_lists_the_schema_headers(client, officer):
    response = client.get(reverse("core:import-template", args=["organisations"]))

    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sheet[0][0] == "Organisation name (*)"
    assert len(sheet[0]) == 12


def test_progress_poll_refreshes_the_page_when_the_check_is_done(
    client, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("core:import-start", args=["organisations"]),
            {"file": upload([ORG_HEADERS, org_row()])},
        )
    batch = ImportBatch.objects.get()
    url = reverse("core:import-detail", args=[batch.pk]) + "?poll=1"

    done = client.get(url, headers={"HX-Request": "true"})
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.VALIDATING)
    busy = client.get(url, headers={"HX-Request": "true"})

    assert done["HX-Refresh"] == "true"
    assert busy.status_code == 200
    assert b"import-progress" in busy.content


def test_other_users_cannot_see_a_batch(client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("core:import-start", args=["organisations"]),
            {"file": upload([ORG_HEADERS, org_row()])},
        )
    batch = ImportBatch.objects.get()
    other = user_with_role("officer", officer.organisation.territory)
    client.force_login(other)

    assert client.get(reverse("core:import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("core:import-commit", args=[batch.pk])).status_code == 404


def test_viewer_gets_403_on_the_upload_page(client, officer):
    viewer = user_with_role("viewer", officer.organisation.territory)
    client.force_login(viewer)

    assert client.get(reverse("core:import-start", args=["organisations"])).status_code == 403
    assert client.get(reverse("core:import-start", args=["nothing"])).status_code == 404


def test_detail_page_names_the_kind_of_data(client, officer, django_capture_on_commit_callbacks):
    rows = [ORG_HEADERS, org_row(name="Hội Cựu chiến binh")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-start", args=["organisations"]), {"file": upload(rows)})
    batch = ImportBatch.objects.get()

    page = client.get(
        reverse("core:import-detail", args=[batch.pk]), headers={"Accept-Language": "en"}
    )

    assert "Import Organisations" in page.content.decode()
