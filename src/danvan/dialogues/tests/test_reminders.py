"""Deadlines, reminders, overdue alerts, escalation and the daily digest, on a controllable clock.

Every service here takes `now=`; the clock starts on Monday 02/11/2026 at 09:00 in Vietnam, so a
petition received then is due on 17/11/2026 (15 days) unless a rule says otherwise.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.core import notifications
from danvan.core.models import Notification
from danvan.dialogues.models import Category, Channel, DeadlineRule, PetitionStatus
from danvan.dialogues.services import deadlines, reminders
from danvan.dialogues.services import petitions as svc
from danvan.dialogues.tests.factories import PetitionFactory, petition_data
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 09:00 on 02/11/2026 in Vietnam
DUE = date(2026, 11, 17)
REMINDER_KINDS = ("dialogues.due_soon", "dialogues.overdue", "dialogues.escalated")


def on(day: date, hour: int = 2) -> datetime:
    """A moment of `day` (09:00 in Vietnam by default)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def people(place):
    province, commune, other_commune = place
    officer = user_with_role("officer", commune)
    return {
        "officer": officer,
        "colleague": user_with_role("officer", commune, organisation=officer.organisation),
        "commune_leader": user_with_role("leader", commune),
        "province_leader": user_with_role("leader", province),
        "other_officer": user_with_role("officer", other_commune),
    }


@pytest.fixture
def assigned(place, people):
    """A petition received at T0 and assigned to the officer."""
    _, commune, _ = place
    officer = people["officer"]
    petition = svc.petition_create(data=petition_data(commune), actor=officer, now=T0)
    petition = svc.petition_assign(
        petition=petition, agency=officer.organisation, officer=officer, actor=officer, now=T0
    )
    notifications.send_pending_emails()  # the "assigned to you" e-mail is out of the way
    mail.outbox.clear()
    return petition


def _reminders(user=None, kind=None):
    rows = Notification.objects.filter(kind__in=REMINDER_KINDS)
    if user is not None:
        rows = rows.filter(recipient=user)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows


# --- deadlines ----------------------------------------------------------------------------------


def test_without_any_rule_a_petition_has_fifteen_days(place):
    _, commune, _ = place

    terms = deadlines.terms_for(territory=commune, category="land", channel="portal")

    assert terms == deadlines.DEFAULT_TERMS
    assert terms.days == 15
    assert deadlines.deadline_from(T0, terms.days) == DUE


def test_the_most_specific_national_rule_wins(place):
    _, commune, _ = place
    catch_all = DeadlineRule.objects.create(days=20)
    by_channel = DeadlineRule.objects.create(channel=Channel.PORTAL, days=18)
    by_category = DeadlineRule.objects.create(category=Category.LAND, days=12)
    both = DeadlineRule.objects.create(category=Category.LAND, channel=Channel.PORTAL, days=7)

    def rule(category, channel):
        return deadlines.terms_for(territory=commune, category=category, channel=channel).rule_id

    assert rule(Category.LAND, Channel.PORTAL) == both.pk
    assert rule(Category.LAND, Channel.LETTER) == by_category.pk
    assert rule(Category.OTHER, Channel.PORTAL) == by_channel.pk
    assert rule(Category.OTHER, Channel.LETTER) == catch_all.pk


def test_a_rule_of_the_unit_beats_national_rules_and_the_nearest_unit_wins(place):
    province, commune, other_commune = place
    DeadlineRule.objects.create(category=Category.LAND, channel=Channel.PORTAL, days=7)
    provincial = DeadlineRule.objects.create(territory=province, days=10, due_soon_days=2)
    communal = DeadlineRule.objects.create(territory=commune, category=Category.LAND, days=5)

    in_commune = deadlines.terms_for(territory=commune, category="land", channel="portal")
    other_field = deadlines.terms_for(territory=commune, category="other", channel="portal")
    elsewhere = deadlines.terms_for(territory=other_commune, category="land", channel="portal")

    assert in_commune.rule_id == communal.pk
    assert in_commune.days == 5
    assert other_field.rule_id == provincial.pk
    assert (other_field.days, other_field.due_soon_days) == (10, 2)
    assert elsewhere.rule_id == provincial.pk


def test_a_rule_of_another_unit_does_not_apply(place):
    _, commune, other_commune = place
    DeadlineRule.objects.create(territory=other_commune, days=3)

    assert deadlines.terms_for(territory=commune, category="land", channel="portal").days == 15


def test_a_new_petition_gets_its_deadline_from_the_rule_in_local_days(place, people):
    _, commune, _ = place
    DeadlineRule.objects.create(category=Category.INFRASTRUCTURE, days=10)
    # 17:30 UTC on 30/11 is already 01/12 in Vietnam.
    late_evening = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)

    petition = svc.petition_create(
        data=petition_data(commune), actor=people["officer"], now=late_evening
    )

    assert petition.deadline == date(2026, 12, 11)


def test_overdue_and_days_late(place):
    _, commune, _ = place
    open_one = PetitionFactory(territory=commune, deadline=DUE, status=PetitionStatus.ASSIGNED)
    answered = PetitionFactory(
        territory=commune,
        deadline=DUE,
        status=PetitionStatus.ANSWERED,
        answered_at=on(DUE + timedelta(days=2)),
    )

    assert not deadlines.is_overdue(open_one, on=DUE)
    assert deadlines.is_overdue(open_one, on=DUE + timedelta(days=1))
    assert not deadlines.is_overdue(answered, on=DUE + timedelta(days=9))
    assert deadlines.days_late(open_one, on=DUE + timedelta(days=4)) == 4
    assert deadlines.days_late(answered, on=DUE + timedelta(days=9)) == 2


# --- the scan ----------------------------------------------------------------------------------


def test_nothing_is_sent_while_the_deadline_is_far(assigned):
    counts = reminders.scan(now=on(DUE - timedelta(days=4)))

    assert sum(counts.values()) == 0
    assert not _reminders().exists()


def test_due_soon_is_sent_once_to_the_officer_in_the_app_only(assigned, people):
    three_days_before = on(DUE - timedelta(days=3))

    first = reminders.scan(now=three_days_before)
    second = reminders.scan(now=three_days_before)
    next_day = reminders.scan(now=on(DUE - timedelta(days=2)))

    assert first["due_soon"] == 1
    assert sum(second.values()) == sum(next_day.values()) == 0
    note = _reminders().get()
    assert note.recipient == people["officer"]
    assert note.kind == "dialogues.due_soon"
    assert "17/11/2026" in note.title
    assert note.url == reverse("dialogues:petition_detail", args=[assigned.pk])
    assert not note.email_wanted
    assigned.refresh_from_db()
    assert assigned.reminder_stage == "due_soon"


def test_overdue_is_sent_once_with_an_email(assigned, people):
    reminders.scan(now=on(DUE - timedelta(days=3)))

    counts = reminders.scan(now=on(DUE + timedelta(days=1)))
    reminders.scan(now=on(DUE + timedelta(days=2)))
    notifications.send_pending_emails()
    notifications.send_pending_emails()

    assert counts["overdue"] == 1
    overdue = _reminders(kind="dialogues.overdue").get()
    assert overdue.recipient == people["officer"]
    assert overdue.email_wanted
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [people["officer"].email]
    assert "overdue" in mail.outbox[0].subject


def test_escalation_goes_once_to_the_province_with_an_audit_row(assigned, people):
    reminders.scan(now=on(DUE + timedelta(days=1)))
    seven_days_late = on(DUE + timedelta(days=7))
    eight_days_late = on(DUE + timedelta(days=8))

    not_yet = reminders.scan(now=seven_days_late)
    counts = reminders.scan(now=eight_days_late)
    again = reminders.scan(now=eight_days_late + timedelta(days=3))

    assert sum(not_yet.values()) == 0
    assert counts["escalated"] == 1
    assert sum(again.values()) == 0
    escalated = _reminders(kind="dialogues.escalated")
    assert {n.recipient for n in escalated} == {people["province_leader"], people["officer"]}
    to_leader = escalated.get(recipient=people["province_leader"])
    assert to_leader.email_wanted
    assert "Escalated" in to_leader.title
    for bystander in ("commune_leader", "other_officer", "colleague"):
        assert not _reminders(people[bystander], "dialogues.escalated").exists()
    assigned.refresh_from_db()
    assert assigned.reminder_stage == "escalated"
    assert assigned.escalated_at == eight_days_late
    event = AuditEvent.objects.filter(
        object_type="dialogues.petition", object_id=str(assigned.pk), action="update"
    ).get(changes__has_key="escalated_at")
    assert event.actor_id is None
    assert event.changes["reminder_stage"] == ["overdue", "escalated"]


def test_an_unassigned_petition_reminds_those_who_route_it(place, people):
    _, commune, _ = place
    petition = svc.petition_create(data=petition_data(commune), actor=people["officer"], now=T0)

    reminders.scan(now=on(DUE - timedelta(days=1)))

    routers = {people["officer"], people["colleague"], people["commune_leader"]}
    assert {n.recipient for n in _reminders(kind="dialogues.due_soon")} == routers
    assert not _reminders(people["province_leader"]).exists()
    petition.refresh_from_db()
    assert petition.reminder_stage == "due_soon"


def test_a_petition_found_late_skips_straight_to_its_stage(assigned, people):
    counts = reminders.scan(now=on(DUE + timedelta(days=20)))

    assert counts == {"escalated": 1}
    assert not _reminders(kind="dialogues.due_soon").exists()
    assert _reminders(people["province_leader"], "dialogues.escalated").count() == 1


def test_rules_set_the_notice_and_the_escalation_delay(place, people):
    _, commune, _ = place
    DeadlineRule.objects.create(days=10, due_soon_days=1, escalate_after_days=2)
    officer = people["officer"]
    petition = svc.petition_create(data=petition_data(commune), actor=officer, now=T0)
    due = date(2026, 11, 12)
    assert petition.deadline == due

    two_before = reminders.scan(now=on(due - timedelta(days=2)))
    one_before = reminders.scan(now=on(due - timedelta(days=1)))
    three_late = reminders.scan(now=on(due + timedelta(days=3)))

    assert sum(two_before.values()) == 0
    assert one_before == {"due_soon": 1}
    assert three_late == {"escalated": 1}


def test_nothing_for_answered_closed_merged_or_spam_petitions(place, people):
    _, commune, _ = place
    officer = people["officer"]
    answered = svc.petition_create(data=petition_data(commune), actor=officer, now=T0)
    answered = svc.petition_assign(
        petition=answered, agency=officer.organisation, officer=officer, actor=officer
    )
    svc.petition_answer(petition=answered, answer="Đã thay bóng đèn.", actor=officer, now=T0)
    for status in (PetitionStatus.CLOSED, PetitionStatus.MERGED, PetitionStatus.SPAM):
        PetitionFactory(territory=commune, deadline=DUE, status=status, officer=officer)

    for days in (-3, 1, 8, 30):
        assert sum(reminders.scan(now=on(DUE + timedelta(days=days))).values()) == 0

    assert not _reminders().exists()


def test_a_petition_answered_after_the_scan_read_it_keeps_its_stage(assigned, people):
    """The scan saves the stage only if nobody moved the petition meanwhile."""
    reminders.scan(now=on(DUE - timedelta(days=3)))
    svc.petition_answer(petition=assigned, answer="Đã xử lý.", actor=people["officer"])

    assert sum(reminders.scan(now=on(DUE + timedelta(days=9))).values()) == 0
    assigned.refresh_from_db()
    assert assigned.reminder_stage == "due_soon"
    assert assigned.escalated_at is None


def test_a_restarted_worker_sends_nothing_twice(assigned, people):
    moments = [on(DUE - timedelta(days=3)), on(DUE + timedelta(days=1)), on(DUE + timedelta(9))]
    for moment in moments:
        reminders.scan(now=moment)
    stored = Notification.objects.count()
    audit_rows = AuditEvent.objects.count()

    # A restart runs every scan again.
    for moment in moments:
        assert sum(reminders.scan(now=moment).values()) == 0
    assert Notification.objects.count() == stored
    assert AuditEvent.objects.count() == audit_rows
    # Had the stage been lost (a crash, a restored backup), the keys still hold.
    type(assigned).objects.filter(pk=assigned.pk).update(reminder_stage="overdue")
    reminders.scan(now=moments[-1])
    type(assigned).objects.filter(pk=assigned.pk).update(reminder_stage="")
    for moment in moments:
        reminders.scan(now=moment)
    notifications.send_pending_emails()
    notifications.send_pending_emails()

    assert Notification.objects.count() == stored
    assert _reminders(people["officer"]).count() == 3
    assert _reminders(people["province_leader"]).count() == 1
    assert len(mail.outbox) == 2  # overdue to the officer, escalation to the province
    assigned.refresh_from_db()
    assert assigned.reminder_stage == "escalated"


def test_a_reopened_petition_gets_a_new_deadline_and_reminders_again(assigned, people):
    officer = people["officer"]
    reminders.scan(now=on(DUE + timedelta(days=9)))
    assigned.refresh_from_db()
    answered = svc.petition_answer(
        petition=assigned, answer="Đã thay bóng đèn.", actor=officer, now=on(DUE + timedelta(10))
    )
    reopened_at = on(date(2026, 12, 1))

    reopened = svc.petition_reopen(
        petition=answered, reason="Đèn lại hỏng sau hai ngày.", actor=officer, now=reopened_at
    )

    assert reopened.status == PetitionStatus.IN_PROGRESS
    assert reopened.deadline == date(2026, 12, 16)
    assert reopened.reminder_stage == ""
    assert reopened.escalated_at is None
    before = _reminders(officer).count()
    assert reminders.scan(now=on(date(2026, 12, 13))) == {"due_soon": 1}
    assert reminders.scan(now=on(date(2026, 12, 17))) == {"overdue": 1}
    assert reminders.scan(now=on(date(2026, 12, 25))) == {"escalated": 1}
    assert _reminders(officer).count() == before + 3
    assert _reminders(people["province_leader"]).count() == 2
    titles = list(_reminders(officer, "dialogues.due_soon").values_list("title", flat=True))
    assert any("16/12/2026" in title for title in titles)


def test_a_deadline_moved_later_by_a_correction_gets_its_own_reminders(assigned, people):
    officer = people["officer"]
    DeadlineRule.objects.create(category=Category.LAND, days=30)
    reminders.scan(now=on(DUE - timedelta(days=1)))
    data = petition_data(assigned.territory, category=Category.LAND)

    moved = svc.petition_update(petition=assigned, data=data, actor=officer)

    new_due = date(2026, 12, 2)
    assert moved.deadline == new_due
    assert sum(reminders.scan(now=on(DUE + timedelta(days=1))).values()) == 0
    assert reminders.scan(now=on(new_due - timedelta(days=2))) == {"due_soon": 1}
    titles = _reminders(officer, "dialogues.due_soon").values_list("title", flat=True)
    assert sorted("02/12/2026" in title for title in titles) == [False, True]


def test_the_scan_reads_in_batches(place, people):
    _, commune, _ = place
    officer = people["officer"]
    for _ in range(5):
        PetitionFactory(
            territory=commune, deadline=DUE, status=PetitionStatus.ASSIGNED, officer=officer
        )

    counts = reminders.scan(now=on(DUE + timedelta(days=1)), batch=2)

    assert counts == {"overdue": 5}
    assert _reminders(officer, "dialogues.overdue").count() == 5


# --- the daily digest --------------------------------------------------------------------------


def test_daily_digest_has_the_petitions_section_once_a_day(place, people):
    _, commune, other_commune = place
    officer, other_officer = people["officer"], people["other_officer"]
    today = date(2026, 12, 7)
    PetitionFactory(territory=commune, deadline=today + timedelta(days=10))  # new
    PetitionFactory(
        territory=commune, deadline=today + timedelta(days=2), status=PetitionStatus.ASSIGNED
    )
    for _ in range(2):
        PetitionFactory(
            territory=commune, deadline=today - timedelta(days=1), status=PetitionStatus.ASSIGNED
        )
    PetitionFactory(
        territory=CommuneFactory(), deadline=today - timedelta(days=1), status="assigned"
    )
    bystander = UserFactory()  # no role in dialogues

    first = notifications.send_daily_digests(now=on(today))
    again = notifications.send_daily_digests(now=on(today, hour=10))

    assert first >= 1
    assert again == 0
    digest = Notification.objects.get(recipient=officer, kind="core.digest")
    assert digest.title == "Your daily summary for 07/12/2026"
    assert digest.email_wanted
    assert "Petitions" in digest.body
    assert "New, waiting to be assigned: 1" in digest.body
    assert "Due within 3 days: 1" in digest.body
    assert "Overdue: 2" in digest.body
    assert reverse("dialogues:petition_inbox") in digest.body
    assert not Notification.objects.filter(recipient=bystander, kind="core.digest").exists()
    # Nothing in the other commune: nothing to report, no digest.
    assert not Notification.objects.filter(recipient=other_officer, kind="core.digest").exists()
    assert other_commune is not None
    tomorrow = notifications.send_daily_digests(now=on(today + timedelta(days=1)))
    assert tomorrow == first
    assert Notification.objects.filter(recipient=officer, kind="core.digest").count() == 2
    notifications.send_pending_emails()
    assert [m.to for m in mail.outbox].count([officer.email]) == 2
