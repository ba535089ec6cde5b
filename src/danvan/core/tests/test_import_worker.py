from django.core.management import call_command
from django.db import transaction

from danvan.accounts.tests.factories import user_with_role
from danvan.core.imports import services
from danvan.core.models import ImportStatus, JobStatus
from danvan.core.tests.import_helpers import ORG_HEADERS, org_row, territory_tree, upload
from danvan.organisations.tests.factories import OrganisationKindFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_worker_runs_a_queued_check_with_the_database_backend(transactional_db, settings):
    settings.TASKS = DB_TASKS
    tree = territory_tree()
    OrganisationKindFactory(
        code="womens_union", name_vi="Hội Liên hiệp Phụ nữ", name_en="Women's Union"
    )
    officer = user_with_role("officer", tree["quang_ninh"])
    with transaction.atomic():
        batch = services.import_upload(
            schema_key="organisations", upload=upload([ORG_HEADERS, org_row()]), actor=officer
        )
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED

    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.VALIDATED
    assert batch.job.status == JobStatus.SUCCEEDED
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
