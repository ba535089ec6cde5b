"""Registering and editing models, replications and yearly evaluations through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.initiatives import services
from danvan.initiatives.models import (
    Evaluation,
    IndicatorKind,
    Initiative,
    Level,
    Replication,
    Status,
    Subject,
    Tag,
)
from danvan.initiatives.tests.factories import InitiativeFactory, field
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def officer(place):
    return user_with_role("officer", place[1])


def kind(code: str) -> IndicatorKind:
    return IndicatorKind.objects.get(code=code)


def data(officer, **overrides) -> services.InitiativeData:
    values = {
        "name": "Dân vận khéo trong xây dựng nông thôn mới",
        "summary": "Vận động người dân hiến đất làm đường liên thôn.",
        "subject": Subject.COLLECTIVE,
        "field": field("kinh_te"),
        "territory": officer.organisation.territory,
        "organisation": officer.organisation,
        "year": THIS_YEAR,
    }
    values.update(overrides)
    return services.InitiativeData(**values)


def audit_rows(initiative, action=None):
    rows = AuditEvent.objects.filter(
        object_type="initiatives.initiative", object_id=str(initiative.pk)
    )
    return rows.filter(action=action) if action else rows


def refused(call, field_name: str, code: str | None = None) -> DomainError:
    before = Initiative.objects.count()
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.field == field_name
    if code:
        assert error.value.code == code
    assert Initiative.objects.count() == before
    return error.value


# --- create ---------------------------------------------------------------------------------


def test_create_registers_a_draft_with_tags_indicators_and_an_audit_row(officer):
    initiative = services.initiative_create(
        data=data(
            officer,
            tags=["Tự quản", "môi trường"],
            indicators={
                kind("households"): Decimal(120),
                kind("money_mobilised"): Decimal(500_000_000),
            },
        ),
        actor=officer,
    )

    assert initiative.status == Status.DRAFT
    assert initiative.created_by == officer
    assert initiative.registered_years == [THIS_YEAR]
    assert initiative.search_text == "dan van kheo trong xay dung nong thon moi " + (
        "van dong nguoi dan hien dat lam duong lien thon"
    )
    assert set(initiative.tags.values_list("name", flat=True)) == {"môi trường", "Tự quản"}
    assert {i.kind.code: i.value for i in initiative.indicators.all()} == {
        "households": Decimal(120),
        "money_mobilised": Decimal(500_000_000),
    }
    (row,) = audit_rows(initiative)
    assert row.action == "create"
    assert row.changes["name"] == [None, initiative.name]
    assert row.changes["indicators"][1] == {
        "households": "120.00",
        "money_mobilised": "500000000.00",
    }


@pytest.mark.parametrize("year", [1999, THIS_YEAR + 2])
def test_create_refuses_a_year_out_of_range(officer, year):
    refused(
        lambda: services.initiative_create(data=data(officer, year=year), actor=officer), "year"
    )


def test_create_accepts_next_year_for_early_registration(officer):
    initiative = services.initiative_create(data=data(officer, year=THIS_YEAR + 1), actor=officer)

    assert initiative.year == THIS_YEAR + 1


def test_an_old_unit_is_only_for_records_of_2025_and_earlier(place, officer):
    legacy = CommuneFactory(
        era=Era.LEGACY, parent=ProvinceFactory(era=Era.LEGACY), scope_path=place[1].path
    )

    old = services.initiative_create(data=data(officer, territory=legacy, year=2025), actor=officer)
    refused(
        lambda: services.initiative_create(
            data=data(officer, territory=legacy, year=2026, name="Mô hình khác"), actor=officer
        ),
        "territory",
        "legacy_territory",
    )

    assert old.territory == legacy


def test_create_refuses_an_organisation_outside_the_scope(place, officer):
    elsewhere = OrganisationFactory(territory=place[2])

    refused(
        lambda: services.initiative_create(
            data=data(officer, organisation=elsewhere), actor=officer
        ),
        "organisation",
    )


def test_create_in_a_unit_outside_the_scope_is_denied(place, officer):
    with pytest.raises(PermissionDenied):
        services.initiative_create(data=data(officer, territory=place[2]), actor=officer)

    assert not Initiative.objects.exists()


def test_viewer_cannot_register(place):
    viewer = user_with_role("viewer", place[1])

    with pytest.raises(PermissionDenied):
        services.initiative_create(data=data(viewer), actor=viewer)


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("households", Decimal(-1)),
        ("road_km", Decimal("-0.5")),
        ("money_mobilised", Decimal("1500000.50")),
        ("households", Decimal("12.5")),
    ],
)
def test_create_refuses_bad_indicator_values(officer, code, value):
    error = refused(
        lambda: services.initiative_create(
            data=data(officer, indicators={kind(code): value}), actor=officer
        ),
        "indicators",
        "indicator",
    )

    assert kind(code).name in error.message


def test_fractional_values_are_kept_for_kinds_that_allow_them(officer):
    initiative = services.initiative_create(
        data=data(officer, indicators={kind("road_km"): Decimal("3.5")}), actor=officer
    )

    assert initiative.indicators.get().value == Decimal("3.50")


def test_an_individual_model_needs_the_person(officer):
    refused(
        lambda: services.initiative_create(
            data=data(officer, subject=Subject.INDIVIDUAL, person_name="  "), actor=officer
        ),
        "person_name",
    )


def test_a_collective_model_keeps_no_person(officer):
    initiative = services.initiative_create(
        data=data(officer, person_name="Nguyễn Văn A", person_position="Trưởng thôn"),
        actor=officer,
    )

    assert (initiative.person_name, initiative.person_position) == ("", "")


def test_a_start_date_in_the_future_is_refused(officer):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    refused(
        lambda: services.initiative_create(data=data(officer, started_on=tomorrow), actor=officer),
        "started_on",
    )


def test_the_same_name_twice_in_one_unit_and_year_is_refused(officer):
    services.initiative_create(data=data(officer, name="Mô hình Tự quản"), actor=officer)

    refused(
        lambda: services.initiative_create(
            data=data(officer, name="mo hinh tu quan"), actor=officer
        ),
        "name",
        "duplicate",
    )
    services.initiative_create(
        data=data(officer, name="mo hinh tu quan", year=THIS_YEAR - 1), actor=officer
    )
    assert Initiative.objects.count() == 2


# --- update ---------------------------------------------------------------------------------


def test_update_records_the_diff_and_replaces_indicators(officer):
    initiative = services.initiative_create(
        data=data(
            officer,
            tags=["tự quản"],
            indicators={kind("households"): Decimal(10), kind("participants"): Decimal(40)},
        ),
        actor=officer,
    )

    updated = services.initiative_update(
        initiative=initiative,
        data=data(
            officer,
            name="Tên mới của mô hình",
            tags=["an ninh"],
            indicators={kind("households"): Decimal(15), kind("trees_planted"): Decimal(300)},
        ),
        actor=officer,
        expected_version=initiative.version,
    )

    assert updated.version == 2
    assert {i.kind.code: i.value for i in updated.indicators.all()} == {
        "households": Decimal(15),
        "trees_planted": Decimal(300),
    }
    (row,) = audit_rows(updated, "update")
    assert row.changes["name"] == [
        "Dân vận khéo trong xây dựng nông thôn mới",
        "Tên mới của mô hình",
    ]
    assert row.changes["tags"] == [["tự quản"], ["an ninh"]]
    assert row.changes["indicators"] == [
        {"households": "10.00", "participants": "40.00"},
        {"households": "15.00", "trees_planted": "300.00"},
    ]
    assert "updated_at" not in row.changes


def test_update_without_changes_writes_no_audit_row(officer):
    initiative = services.initiative_create(data=data(officer, tags=["a"]), actor=officer)

    services.initiative_update(initiative=initiative, data=data(officer, tags=["a"]), actor=officer)

    assert not audit_rows(initiative, "update").exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW, Status.RECOGNISED])
def test_update_is_only_for_drafts(officer, status):
    initiative = services.initiative_create(data=data(officer), actor=officer)
    Initiative.objects.filter(pk=initiative.pk).update(status=status)

    with pytest.raises(DomainError) as error:
        services.initiative_update(
            initiative=initiative, data=data(officer, name="Đổi tên"), actor=officer
        )

    assert error.value.code == "not_draft"
    initiative.refresh_from_db()
    assert initiative.name == "Dân vận khéo trong xây dựng nông thôn mới"


def test_update_with_a_stale_version_is_a_conflict(officer):
    initiative = services.initiative_create(data=data(officer), actor=officer)
    services.initiative_update(
        initiative=initiative, data=data(officer, name="Lần 1"), actor=officer
    )

    with pytest.raises(ConflictError):
        services.initiative_update(
            initiative=initiative,
            data=data(officer, name="Lần 2"),
            actor=officer,
            expected_version=1,
        )

    initiative.refresh_from_db()
    assert initiative.name == "Lần 1"


def test_update_into_the_name_of_another_model_is_refused(officer):
    services.initiative_create(data=data(officer, name="Mô hình A"), actor=officer)
    other = services.initiative_create(data=data(officer, name="Mô hình B"), actor=officer)

    with pytest.raises(DomainError) as error:
        services.initiative_update(
            initiative=other, data=data(officer, name="MÔ HÌNH A"), actor=officer
        )

    assert error.value.field == "name"
    other.refresh_from_db()
    assert other.name == "Mô hình B"


def test_update_outside_the_scope_is_denied(place):
    initiative = InitiativeFactory(organisation=OrganisationFactory(territory=place[2]))
    officer_a = user_with_role("officer", place[1])

    with pytest.raises(PermissionDenied):
        services.initiative_update(
            initiative=initiative, data=data(officer_a, name="Chiếm quyền"), actor=officer_a
        )


def test_a_new_year_is_added_to_the_registered_years(officer):
    initiative = services.initiative_create(data=data(officer, year=THIS_YEAR - 1), actor=officer)

    updated = services.initiative_update(
        initiative=initiative, data=data(officer, year=THIS_YEAR), actor=officer
    )

    assert updated.registered_years == [THIS_YEAR - 1, THIS_YEAR]


# --- tags -----------------------------------------------------------------------------------


def test_tags_are_deduplicated_without_regard_to_accents_or_case(officer):
    existing = Tag.objects.create(name="Tự quản", search_name="tu quan")

    initiative = services.initiative_create(
        data=data(officer, tags=["tu quan", "TỰ QUẢN", "Tự quản", " ", "Môi trường", "moi truong"]),
        actor=officer,
    )

    assert list(initiative.tags.order_by("search_name")) == [
        Tag.objects.get(search_name="moi truong"),
        existing,
    ]
    assert Tag.objects.count() == 2


# --- replications ---------------------------------------------------------------------------


@pytest.fixture
def recognised(place):
    organisation = OrganisationFactory(territory=place[1])
    return InitiativeFactory(
        organisation=organisation, status=Status.RECOGNISED, level=Level.COMMUNE
    )


def test_replication_is_recorded_with_an_audit_row(place, officer, recognised):
    replication = services.replication_add(
        initiative=recognised, territory=place[2], year=THIS_YEAR, actor=officer, note="Nhân rộng"
    )

    assert replication.initiative == recognised
    (row,) = audit_rows(recognised)
    assert row.changes == {"replications": [None, f"{place[2].name} ({THIS_YEAR})"]}

    services.replication_delete(replication=replication, actor=officer)

    assert not Replication.objects.exists()
    assert audit_rows(recognised).count() == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("not_recognised", "not_recognised"),
        ("own_unit", "same_unit"),
        ("legacy_unit", "legacy_territory"),
        ("future_year", "year"),
        ("twice", "duplicate"),
    ],
)
def test_replication_rules(place, officer, recognised, change, code):
    territory, year = place[2], THIS_YEAR
    if change == "not_recognised":
        Initiative.objects.filter(pk=recognised.pk).update(status=Status.DRAFT)
        recognised.refresh_from_db()
    elif change == "own_unit":
        territory = place[1]
    elif change == "legacy_unit":
        territory = CommuneFactory(era=Era.LEGACY, parent=ProvinceFactory(era=Era.LEGACY))
    elif change == "future_year":
        year = THIS_YEAR + 1
    else:
        services.replication_add(
            initiative=recognised, territory=territory, year=year, actor=officer
        )

    with pytest.raises(DomainError) as error:
        services.replication_add(
            initiative=recognised, territory=territory, year=year, actor=officer
        )

    assert error.value.code == code
    assert Replication.objects.count() == (1 if change == "twice" else 0)


def test_replication_by_someone_outside_the_scope_is_denied(place, recognised):
    officer_b = user_with_role("officer", place[2])

    with pytest.raises(PermissionDenied):
        services.replication_add(
            initiative=recognised, territory=place[2], year=THIS_YEAR, actor=officer_b
        )


# --- evaluations ----------------------------------------------------------------------------


@pytest.fixture
def leader(place):
    return user_with_role("leader", place[1])


def test_a_maintained_model_stays_recognised(leader, recognised):
    evaluation = services.evaluation_record(
        initiative=recognised, year=THIS_YEAR, outcome="maintained", actor=leader
    )

    recognised.refresh_from_db()
    assert recognised.status == Status.RECOGNISED
    assert evaluation.evaluated_by == leader


def test_an_ineffective_model_needs_a_note(leader, recognised):
    with pytest.raises(DomainError) as error:
        services.evaluation_record(
            initiative=recognised, year=THIS_YEAR, outcome="ineffective", actor=leader
        )

    assert error.value.field == "note"
    assert not Evaluation.objects.exists()


def test_an_ineffective_model_is_stopped(leader, recognised):
    services.evaluation_record(
        initiative=recognised,
        year=THIS_YEAR,
        outcome="ineffective",
        note="Không còn duy trì hoạt động.",
        actor=leader,
    )

    recognised.refresh_from_db()
    assert recognised.status == Status.STOPPED
    assert recognised.status_note == "Không còn duy trì hoạt động."
    assert audit_rows(recognised, "transition").get().changes["status"] == [
        Status.RECOGNISED,
        Status.STOPPED,
    ]


def test_a_model_is_evaluated_once_a_year(leader, recognised):
    services.evaluation_record(
        initiative=recognised, year=THIS_YEAR - 1, outcome="maintained", actor=leader
    )

    with pytest.raises(DomainError) as error:
        services.evaluation_record(
            initiative=recognised, year=THIS_YEAR - 1, outcome="maintained", actor=leader
        )

    assert error.value.code == "duplicate"
    services.evaluation_record(
        initiative=recognised, year=THIS_YEAR, outcome="maintained", actor=leader
    )
    assert Evaluation.objects.count() == 2


def test_only_recognised_models_are_evaluated(place, leader):
    draft = InitiativeFactory(organisation=OrganisationFactory(territory=place[1]))

    with pytest.raises(DomainError) as error:
        services.evaluation_record(
            initiative=draft, year=THIS_YEAR, outcome="maintained", actor=leader
        )

    assert error.value.code == "not_recognised"


def test_an_officer_cannot_evaluate(officer, recognised):
    with pytest.raises(PermissionDenied):
        services.evaluation_record(
            initiative=recognised, year=THIS_YEAR, outcome="maintained", actor=officer
        )
