import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from danvan.accounts.models import User
from danvan.audit.models import AuditEvent
from danvan.core.demo.build import ensure_territories, generation_run
from danvan.core.demo.loader import demo_load
from danvan.core.demo.registry import registered
from danvan.core.models import Notification
from danvan.dialogues import selectors
from danvan.dialogues.generators import generate_dialogues
from danvan.dialogues.models import (
    ANSWERED_STATES,
    OPEN_STATES,
    Channel,
    Conference,
    ConferencePlan,
    ConferenceStatus,
    DeadlineRule,
    Petition,
    PetitionStatus,
    Satisfaction,
)
from danvan.dialogues.services import deadlines
from danvan.dialogues.services.petitions import CODE_ALPHABET, CODE_LENGTH
from danvan.territories.models import Level
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

TABLES = (Conference, ConferencePlan, Petition, DeadlineRule, Notification, AuditEvent)


def table_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in TABLES}
    counts["invited"] = Conference.invited.through.objects.count()
    return counts


def content_fingerprint() -> list[tuple]:
    """What was drawn, independent of primary keys and of the moment of the run."""
    return sorted(
        Petition.objects.values_list(
            "code", "title", "category", "channel", "status", "deadline", "territory__code"
        )
    )


def assert_consistent(petitions, today):
    """Every status agrees with its timestamps and what the step carries."""
    S = PetitionStatus
    answered = petitions.filter(status__in=ANSWERED_STATES)
    assert not answered.filter(Q(answered_at__isnull=True) | Q(answer="")).exists()
    assert not answered.filter(agency__isnull=True).exists()
    assert not answered.filter(answered_at__lt=F("received_at")).exists()
    assert not petitions.filter(status=S.CLOSED, closed_at__isnull=True).exists()
    assert not petitions.filter(closed_at__lt=F("answered_at")).exists()
    assert not petitions.exclude(status=S.CLOSED).filter(closed_at__isnull=False).exists()
    assert not petitions.filter(status=S.MERGED, merged_into__isnull=True).exists()
    assert not petitions.exclude(status=S.MERGED).filter(merged_into__isnull=False).exists()
    # A petition is merged into a live one of the same unit.
    assert not petitions.filter(
        status=S.MERGED, merged_into__status__in=[S.MERGED, S.SPAM]
    ).exists()
    assert (
        not petitions.filter(status=S.MERGED)
        .exclude(merged_into__territory=F("territory"))
        .exists()
    )
    assigned = petitions.filter(status__in=[S.ASSIGNED, S.IN_PROGRESS])
    assert not assigned.filter(Q(agency__isnull=True) | Q(assigned_at__isnull=True)).exists()
    assert not petitions.filter(status=S.RECEIVED, agency__isnull=False).exists()
    assert not petitions.filter(status__in=[S.RECEIVED, S.SPAM], answered_at__isnull=False).exists()
    # Only an answer can be rated; "not satisfied" reopens the petition.
    assert (
        not petitions.exclude(status__in=ANSWERED_STATES)
        .exclude(reopen_count__gt=0)
        .exclude(satisfaction="")
        .exists()
    )
    assert (
        not petitions.filter(satisfaction=Satisfaction.DISSATISFIED)
        .exclude(status=S.IN_PROGRESS, reopen_count=1)
        .exists()
    )
    # Reopened and still open: it keeps the first answer and has a later deadline.
    reopened = petitions.filter(reopen_count__gt=0, status__in=OPEN_STATES)
    assert not reopened.filter(Q(answer="") | Q(answered_at__isnull=True)).exists()
    # Escalated only past the deadline.
    assert not petitions.filter(escalated_at__date__lte=F("deadline")).exists()
    assert not petitions.filter(received_at__gt=timezone.now()).exists()
    assert not petitions.filter(deadline__lt=F("received_at__date")).exists()
    # Conference petitions come from a held conference of the same unit or above.
    raised = petitions.filter(channel=Channel.CONFERENCE)
    assert not raised.filter(conference__isnull=True).exists()
    assert not raised.exclude(
        conference__status__in=[ConferenceStatus.HELD, ConferenceStatus.MINUTES_PUBLISHED]
    ).exists()
    assert (
        not petitions.exclude(channel=Channel.CONFERENCE).filter(conference__isnull=False).exists()
    )
    for territory_path, conference_path in raised.values_list(
        "territory__scope_path", "conference__territory__scope_path"
    ):
        assert territory_path.startswith(conference_path)
    # Synthetic people only: no operator's prefix, no province's code.
    phones = set(petitions.exclude(submitter_phone="").values_list("submitter_phone", flat=True))
    assert phones
    assert all(p.startswith("0000") and len(p) == 10 for p in phones)
    ids = set(
        petitions.exclude(submitter_id_number="").values_list("submitter_id_number", flat=True)
    )
    assert ids
    assert all(i.startswith("000") and len(i) == 12 and i.isdigit() for i in ids)
    assert not petitions.filter(anonymous=True).exclude(submitter_name="").exists()
    for code in petitions.values_list("code", flat=True)[:500]:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(CODE_ALPHABET)


def assert_every_kind_present(petitions, today):
    assert set(petitions.values_list("status", flat=True)) == set(PetitionStatus.values)
    assert set(petitions.values_list("channel", flat=True)) == set(Channel.values)
    assert petitions.filter(deadlines.overdue_q(today)).exists()
    assert petitions.filter(status__in=OPEN_STATES, escalated_at__isnull=False).exists()
    assert petitions.filter(reopen_count__gt=0).exists()
    assert petitions.exclude(satisfaction="").filter(status__in=ANSWERED_STATES).exists()
    answered = petitions.filter(status__in=ANSWERED_STATES, reopen_count=0)
    on_time = answered.filter(answered_at__date__lte=F("deadline")).count()
    assert 0.7 <= on_time / answered.count() <= 0.9


def test_demo_gives_tam_ky_and_quang_ninh_a_year_of_work_and_a_second_run_adds_nothing():
    ensure_territories()
    demo_load()
    assert "dialogues" in [r.name for r in registered()]
    today = timezone.localdate()

    counts = generate_dialogues(generation_run(scale="demo", seed=2025))

    petitions = Petition.objects.all()
    assert 2500 <= petitions.count() <= 4500
    assert counts["petitions"] == petitions.count()
    assert_consistent(petitions, today)
    assert_every_kind_present(petitions, today)
    # Only the demo places: Tam Kỳ's wards of Đà Nẵng and Quảng Ninh.
    provinces = set(petitions.values_list("territory__province_code", flat=True))
    assert provinces == {22, 48}
    assert petitions.filter(territory__code=20341).count() > 100  # Phường Tam Kỳ

    # Conferences: a plan per unit, held ones with participants and minutes, cancelled ones
    # with a reason, planned ones ahead; some units behind their plan.
    plans = ConferencePlan.objects.filter(year=today.year)
    assert plans.filter(territory__level=Level.PROVINCE, territory__code=22).exists()
    assert plans.count() == ConferencePlan.objects.count()
    conferences = Conference.objects.all()
    statuses = Counter(conferences.values_list("status", flat=True))
    assert statuses[ConferenceStatus.MINUTES_PUBLISHED] > statuses[ConferenceStatus.CANCELLED] > 0
    held = conferences.filter(
        status__in=[ConferenceStatus.HELD, ConferenceStatus.MINUTES_PUBLISHED]
    )
    assert not held.filter(Q(participants__isnull=True) | Q(minutes="")).exists()
    assert not held.filter(starts_at__gt=timezone.now()).exists()
    assert not conferences.filter(status=ConferenceStatus.CANCELLED, cancel_reason="").exists()
    assert not conferences.filter(
        status=ConferenceStatus.PLANNED, starts_at__lt=timezone.now() - timezone.timedelta(days=1)
    ).exists()
    assert held.annotate(n=Count("petitions")).filter(n__gt=0).exists()
    admin = User.objects.get(username="admin")
    progress = selectors.plan_progress(admin, today.year)
    assert any(p.behind for p in progress)
    assert not all(p.behind for p in progress)

    # The demo officers have petitions assigned, some due, and something in the bell.
    officer = User.objects.get(username="tiepdan.tamky")
    mine = selectors.inbox(officer, "mine")
    assert mine.exists()
    assert not mine.exclude(agency_id=officer.organisation_id).exists()
    assert Notification.objects.filter(recipient=officer).exists()
    assert selectors.inbox_counts(User.objects.get(username="lanhdao.qn"))["overdue"] > 0

    # Deadline rules: national defaults and Quảng Ninh's override, applied to the petitions.
    assert DeadlineRule.objects.filter(territory__isnull=True, category="", channel="").exists()
    override = DeadlineRule.objects.get(territory__code=22, territory__level=Level.PROVINCE)
    land_qn = petitions.filter(
        territory__province_code=22, category=override.category, reopen_count=0
    ).exclude(channel__in=[Channel.HOTLINE, Channel.PRESS])
    assert land_qn.exists()
    for received, deadline in land_qn.values_list("received_at", "deadline")[:50]:
        assert (deadline - timezone.localdate(received)).days == override.days
    assert AuditEvent.objects.filter(object_type="dialogues.petition").count() == 2

    # The same seed draws the same data; a second run adds nothing.
    first = content_fingerprint()
    before = table_counts()
    again = generate_dialogues(generation_run(scale="demo", seed=2025))
    assert table_counts() == before
    assert again["petitions"] == again["conferences"] == again["notifications"] == 0
    assert content_fingerprint() == first


@pytest.fixture
def two_provinces():
    provinces = [
        ProvinceFactory(code=95, name="Tỉnh Thử Nghiệm", division_type="tỉnh"),
        ProvinceFactory(code=96, name="Thành phố Thử Nghiệm", division_type="thành phố"),
    ]
    communes = [
        CommuneFactory(parent=provinces[0], code=95001, name="Xã Bình An", division_type="xã"),
        CommuneFactory(
            parent=provinces[0], code=95002, name="Phường Hòa Bình", division_type="phường"
        ),
        CommuneFactory(
            parent=provinces[1], code=96001, name="Phường Hải Châu", division_type="phường"
        ),
    ]
    return provinces, communes


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate", stdout=out, **options)
    return out.getvalue()


def test_national_scale_writes_in_bulk_for_every_province_and_adds_nothing_twice(two_provinces):
    _provinces, communes = two_provinces
    today = timezone.localdate()

    output = generate(scale="national", only="organisations,users,dialogues")

    petitions = Petition.objects.all()
    per_commune = Counter(petitions.values_list("territory__code", flat=True))
    assert set(per_commune) == {c.code for c in communes}
    assert all(350 <= n <= 850 for n in per_commune.values())
    assert_consistent(petitions, today)
    assert_every_kind_present(petitions, today)
    # Every unit (communes and provinces) has a plan and its conferences.
    assert set(ConferencePlan.objects.values_list("territory__code", flat=True)) == {
        95,
        96,
        95001,
        95002,
        96001,
    }
    # Routed to the units' own agencies, and the generated commune officers hold some.
    assert (
        not petitions.filter(agency__isnull=False)
        .exclude(agency__territory__province_code=F("territory__province_code"))
        .exists()
    )
    officer = User.objects.get(username="x95001.canbo")
    assert selectors.inbox(officer, "mine").exists()
    summaries = AuditEvent.objects.filter(object_type="dialogues.petition")
    assert sorted(summaries.values_list("territory__code", flat=True)) == [95, 96]
    first = summaries.get(territory__code=95)
    assert first.changes["petitions"] == [
        None,
        petitions.filter(territory__province_code=95).count(),
    ]
    assert "dialogues" in output
    assert "clearance" not in output
    before = table_counts()

    second = generate(scale="national", only="dialogues")

    assert table_counts() == before
    assert "petitions 0" in second


def test_generate_refuses_an_unknown_generator():
    with pytest.raises(Exception, match="nope"):
        generate(scale="national", only="dialogues,nope")
