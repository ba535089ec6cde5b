"""System administrators keep the scoring sheets as data; each change is in the audit trail."""

import pytest

from danvan.accounts.tests.factories import UserFactory
from danvan.audit.models import AuditEvent
from danvan.initiatives.models import CriteriaSet

pytestmark = pytest.mark.django_db


def test_editing_a_criterion_in_the_admin_is_audited(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    sheet = CriteriaSet.objects.get()  # the seeded 100-point sheet
    criteria = list(sheet.criteria.order_by("sort_order", "id"))
    data = {
        "name": sheet.name,
        "territory": "",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, criterion in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": str(criterion.pk),
                f"criteria-{i}-criteria_set": str(sheet.pk),
                f"criteria-{i}-code": criterion.code,
                f"criteria-{i}-name": criterion.name,
                f"criteria-{i}-description": "",
                # The first criterion weighs double from now on.
                f"criteria-{i}-weight": str(criterion.weight * (2 if i == 0 else 1)),
                f"criteria-{i}-max_score": str(criterion.max_score),
                f"criteria-{i}-sort_order": str(criterion.sort_order),
            }
        )

    response = client.post(f"/admin/initiatives/criteriaset/{sheet.pk}/change/", data)

    assert response.status_code == 302
    criteria[0].refresh_from_db()
    event = AuditEvent.objects.filter(object_type="initiatives.criteriaset").latest("seq")
    before, after = event.changes["criteria"]
    assert before[0][2] != after[0][2]
    assert after[0][2] == str(criteria[0].weight)
