"""The whole yearly cycle through the services: register, submit, review, score, recognise."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.core.models import Attachment
from danvan.initiatives import services
from danvan.initiatives.models import Level, Recognition, Status, Subject
from danvan.initiatives.tests.factories import CouncilFactory, field
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _data(commune, organisation, **overrides):
    values = {
        "name": "Khu dân cư tự quản an ninh trật tự",
        "summary": "Người dân tự tuần tra, giữ gìn an ninh trật tự khu phố.",
        "subject": Subject.COLLECTIVE,
        "field": field("quoc_phong_an_ninh"),
        "territory": commune,
        "organisation": organisation,
        "year": timezone.localdate().year,
    }
    values.update(overrides)
    return services.InitiativeData(**values)


def test_a_model_goes_from_draft_to_recognised_with_a_decision(place):
    province, commune, _ = place
    officer = user_with_role("officer", commune)
    chair = user_with_role("leader", province)
    reviewer = user_with_role("reviewer", province)
    council = CouncilFactory(territory=province, year=timezone.localdate().year)
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    services.council_member_add(council=council, user=reviewer, actor=chair)

    initiative = services.initiative_create(
        data=_data(commune, officer.organisation), actor=officer
    )
    initiative = services.initiative_transition(initiative=initiative, name="submit", actor=officer)
    # A commune model goes to the commune council first; here it asks straight for province.
    initiative.target_level = Level.PROVINCE
    initiative.save(update_fields=["target_level"])
    review_round = services.round_create(
        council=council,
        name="Đợt 1",
        deadline=timezone.localdate() + timedelta(days=10),
        actor=chair,
    )
    entry = services.entry_add(review_round=review_round, initiative=initiative, actor=reviewer)
    services.score_submit(entry=entry, actor=reviewer, values={"a": "9", "b": "7"})
    services.score_submit(entry=entry, actor=chair, values={"a": 10, "b": 10})
    entry.refresh_from_db()
    # (0.6*90 + 0.4*70) = 82 and 100; their mean is 91.
    assert entry.average == Decimal("91.00")
    assert entry.score_count == 2

    services.round_close(
        review_round=review_round,
        actor=chair,
        signer_name="Trần Quang Vinh",
        signer_position="Phó Trưởng ban",
    )

    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED
    assert initiative.level == Level.PROVINCE
    assert Recognition.objects.get(initiative=initiative).score == Decimal("91.00")
    files = Attachment.objects.filter(owner_type="initiatives.initiative", owner_id=initiative.pk)
    assert sorted(f.kind for f in files) == ["docx", "pdf"]
    assert all(f.is_public and f.is_generated for f in files)


def test_a_member_never_scores_a_model_of_their_own_organisation(place):
    province, commune, _ = place
    own = OrganisationFactory(territory=commune)
    officer = user_with_role("officer", commune, organisation=own)
    reviewer = user_with_role("reviewer", province, organisation=own)
    chair = user_with_role("leader", province)
    council = CouncilFactory(territory=province, level=Level.COMMUNE)
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    services.council_member_add(council=council, user=reviewer, actor=chair)
    initiative = services.initiative_create(data=_data(commune, own), actor=officer)
    services.initiative_transition(initiative=initiative, name="submit", actor=officer)
    review_round = services.round_create(
        council=council, name="Đợt 1", deadline=timezone.localdate(), actor=chair
    )
    initiative.refresh_from_db()
    entry = services.entry_add(review_round=review_round, initiative=initiative, actor=chair)

    from danvan.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.score_submit(entry=entry, actor=reviewer, values={"a": 5, "b": 5})
    assert refused.value.code == "conflict_of_interest"
    assert not entry.sheets.exists()
