"""First checks of the petition services, notifications and the reminder scan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.core.models import Notification
from danvan.dialogues.models import Category, DeadlineRule, PetitionStatus
from danvan.dialogues.services import petitions as svc
from danvan.dialogues.services import reminders
from danvan.dialogues.tests.factories import petition_data

pytestmark = pytest.mark.django_db


def test_create_assign_answer_and_remind(place):
    province, commune, _ = place
    officer = user_with_role("officer", commune)
    leader = user_with_role("leader", province)
    DeadlineRule.objects.create(category=Category.INFRASTRUCTURE, days=10)
    petition = svc.petition_create(data=petition_data(commune), actor=officer)
    assert petition.deadline == timezone.localdate() + timedelta(days=10)
    assert len(petition.code) == 12
    assert svc.petition_by_code(svc.format_code(petition.code).lower()) == petition
    petition = svc.petition_assign(
        petition=petition, agency=officer.organisation, officer=officer, actor=officer
    )
    assert petition.status == PetitionStatus.ASSIGNED
    assert Notification.objects.filter(recipient=officer, kind="dialogues.assigned").count() == 1

    later = timezone.now() + timedelta(days=8)
    assert reminders.scan(now=later)["due_soon"] == 1
    assert reminders.scan(now=later)["due_soon"] == 0  # second run sends nothing
    much_later = timezone.now() + timedelta(days=25)
    counts = reminders.scan(now=much_later)
    assert counts["escalated"] == 1
    assert Notification.objects.filter(recipient=leader, kind="dialogues.escalated").count() == 1

    petition.refresh_from_db()
    petition = svc.petition_answer(petition=petition, answer="Đã sửa xong.", actor=officer)
    assert petition.status == PetitionStatus.ANSWERED
    petition = svc.petition_citizen_feedback(
        petition=petition, satisfaction="dissatisfied", note="Vẫn còn một bóng hỏng."
    )
    assert petition.status == PetitionStatus.IN_PROGRESS
    assert petition.reopen_count == 1
