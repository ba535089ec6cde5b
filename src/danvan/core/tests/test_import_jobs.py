import pytest

from danvan.core import jobs
from danvan.core.imports.bulk import fast_normalize
from danvan.core.models import Job, JobStatus
from danvan.core.search import normalize


@pytest.mark.parametrize(
    "text",
    [
        "Đông Triều",
        "Hội Liên hiệp Phụ nữ \u2013 xã",
        "Văn hóa\u2013xã hội",
        "ÐÔNG",
        "a\u0301b",
        "Straße",
        "日本",
        "",
        "  A  B  ",
    ],
)
def test_fast_normalize_agrees_with_search_normalize(text):
    assert fast_normalize(text) == normalize(text)


@pytest.mark.django_db
def test_progress_is_written_about_once_per_percent(django_assert_num_queries):
    job = jobs.job_create(kind="test", title="Thử", actor=None)
    report = jobs.ProgressReporter(job.pk, total=100_000)

    with django_assert_num_queries(100):
        for done in range(1, 100_001):
            report(done)

    job.refresh_from_db()
    assert job.progress_done == 100_000
    assert job.progress_total == 100_000


@pytest.mark.django_db
def test_a_finished_job_is_not_started_again():
    job = jobs.job_create(kind="test", title="Thử", actor=None)
    assert jobs.job_start(job.pk)
    jobs.job_fail(job.pk, error="Tệp không đọc được.")

    assert not jobs.job_start(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Tệp không đọc được."
    assert Job.objects.get(pk=job.pk).finished_at is not None
