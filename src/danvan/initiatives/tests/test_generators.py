import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from danvan.audit.models import AuditEvent
from danvan.core.demo import demo_areas
from danvan.core.search import search_key
from danvan.initiatives.models import (
    Council,
    Entry,
    Evaluation,
    Indicator,
    Initiative,
    Level,
    Recognition,
    Replication,
    ReviewRound,
    RoundStatus,
    ScoreSheet,
    Status,
    Subject,
)
from danvan.initiatives.services.councils import sheet_total
from danvan.organisations.models import Organisation
from danvan.territories.models import Era, TerritoryMapping
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate", stdout=out, **options)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Initiative,
            Indicator,
            Recognition,
            Evaluation,
            Replication,
            Initiative.tags.through,
            Council,
            ReviewRound,
            Entry,
            ScoreSheet,
            AuditEvent,
        )
    }


def assert_search_columns_match_the_service_rule():
    for name, summary, search_name, search_text in Initiative.objects.values_list(
        "name", "summary", "search_name", "search_text"
    ):
        assert search_name == search_key(name)[:300]
        assert search_text == search_key(name, summary)


def assert_recognitions_agree_with_models():
    recognised = Initiative.objects.filter(status__in=[Status.RECOGNISED, Status.STOPPED])
    assert recognised.exists()
    assert not recognised.filter(recognitions__isnull=True).exists()
    assert not Initiative.objects.filter(level="", recognitions__isnull=False).exists()
    for initiative in recognised.prefetch_related("recognitions"):
        levels = {r.level for r in initiative.recognitions.all()}
        top = Level.PROVINCE if Level.PROVINCE in levels else Level.COMMUNE
        assert initiative.level == top, initiative.pk
        assert initiative.recognised_at is not None
        for recognition in initiative.recognitions.all():
            assert recognition.territory_id == initiative.territory_id
            assert recognition.subject == initiative.subject
            assert recognition.field_id == initiative.field_id
            assert recognition.decision_date <= timezone.localdate()


def test_demo_scale_tells_the_quang_ninh_story_and_a_second_run_adds_nothing():
    out = io.StringIO()
    call_command("demo", "--no-server", stdout=out)
    areas = demo_areas()
    quang_ninh = Initiative.objects.filter(territory__scope_path__startswith=areas.quang_ninh.path)
    this_year = timezone.localdate().year

    provincial_2024 = Recognition.objects.filter(
        year=2024, level=Level.PROVINCE, territory__scope_path__startswith=areas.quang_ninh.path
    )
    assert provincial_2024.count() == 61
    assert Counter(provincial_2024.values_list("subject", flat=True)) == {
        Subject.COLLECTIVE: 49,
        Subject.INDIVIDUAL: 12,
    }
    commission = Organisation.objects.get(
        territory=areas.quang_ninh, kind__code="mass_mobilisation_commission"
    )
    assert set(provincial_2024.values_list("issuer", flat=True)) == {commission.pk}
    assert all(
        n.endswith("-QĐ/BTGDVTU") for n in provincial_2024.values_list("decision_number", flat=True)
    )
    assert not provincial_2024.filter(review_round__status=RoundStatus.OPEN).exists()
    assert not provincial_2024.filter(initiative__person_name="", subject=Subject.INDIVIDUAL)
    assert 1850 <= quang_ninh.count() <= 2000
    assert set(quang_ninh.values_list("year", flat=True)) == set(range(2021, this_year + 1))
    # Old units only for records up to 2024, and they roll up into Quảng Ninh.
    legacy = quang_ninh.filter(territory__era=Era.LEGACY)
    assert legacy.exists()
    assert max(legacy.values_list("year", flat=True)) <= 2024
    hai_ha = [c.path for c in areas.hai_ha]
    in_hai_ha = [
        p
        for p in quang_ninh.values_list("territory__scope_path", "territory__path")
        if any(p[0].startswith(h) for h in hai_ha) or p[1].startswith("legacy/22/201/")
    ]
    assert len(in_hai_ha) > 100
    tam_ky = Initiative.objects.filter(territory__scope_path__startswith=areas.da_nang.path)
    assert tam_ky.filter(name__contains="tự quản").count() >= 20

    # This year's open council for the demo reviewers.
    council = Council.objects.get(territory=areas.quang_ninh, year=this_year)
    assert council.issuer == commission
    assert council.pass_score == 70
    members = {m.user.username: m for m in council.members.select_related("user")}
    assert members["lanhdao.qn"].role == "chair"
    assert members["hoidong.qn"].organisation == members["hoidong.qn"].user.organisation
    review_round = council.rounds.get()
    assert review_round.status == RoundStatus.OPEN
    assert (review_round.deadline - timezone.localdate()).days == 30
    entries = list(review_round.entries.select_related("initiative"))
    assert len(entries) == 10
    seated = {m.organisation_id for m in members.values()}
    criteria = list(council.criteria_set.criteria.all())
    for entry in entries:
        assert entry.initiative.status == Status.UNDER_REVIEW
        assert entry.level == Level.PROVINCE
        assert entry.initiative.organisation_id not in seated
        sheets = list(entry.sheets.all())
        assert entry.score_count == len(sheets)
        for sheet in sheets:
            assert sheet.total == sheet_total(criteria, sheet.values)
            assert sheet.total == entry.average
            assert all(0 <= sheet.values[c.code] <= c.max_score for c in criteria)
    assert 0 < sum(e.score_count for e in entries) < 10
    assert (
        20
        <= quang_ninh.filter(year=this_year, status__in=[Status.DRAFT, Status.SUBMITTED]).count()
        <= 90
    )
    # Past provincial councils are closed and their passed entries recognised.
    closed = ReviewRound.objects.filter(council__year=2024).get()
    assert closed.status == RoundStatus.CLOSED
    assert closed.decision_number
    assert closed.decision_date
    assert closed.entries.filter(recognised=True).count() == 61
    assert closed.recognitions.count() == 61
    # The next decision the commission makes in the app takes a number after every generated one.
    from danvan.initiatives.decisions import next_decision_number

    issuer = closed.council.issuer
    used = {
        int(number.split("-")[0])
        for number in Recognition.objects.filter(issuer=issuer, year=2024).values_list(
            "decision_number", flat=True
        )
    }
    following = next_decision_number(issuer, 2024)
    assert int(following.split("-")[0].split("/")[0]) == max(used) + 1
    assert quang_ninh.filter(status=Status.STOPPED).exclude(status_note="").exists()
    assert_recognitions_agree_with_models()
    assert_search_columns_match_the_service_rule()
    audit_rows = AuditEvent.objects.filter(object_type="initiatives.initiative")
    assert audit_rows.count() == 2  # one summary per province, not one per model
    before = table_counts()

    call_command("demo", "--no-server", stdout=io.StringIO())

    assert table_counts() == before


@pytest.fixture
def small_province():
    """A province of three communes, one of them formed from an old commune."""
    province = ProvinceFactory(code=95, name="Tỉnh Thử Nghiệm", division_type="tỉnh")
    communes = [
        CommuneFactory(parent=province, code=code, name=name, division_type=kind)
        for code, name, kind in [
            (95001, "Xã Bình An", "xã"),
            (95002, "Phường Hòa Bình", "phường"),
            (95003, "Xã Đồng Tâm", "xã"),
        ]
    ]
    old_province = ProvinceFactory(era=Era.LEGACY, code=95, name="Tỉnh Thử Nghiệm cũ")
    old_commune = CommuneFactory(
        era=Era.LEGACY,
        parent=old_province,
        code=95101,
        name="Xã Bình Yên",
        scope_path=communes[0].path,
    )
    TerritoryMapping.objects.create(legacy_commune=old_commune, current_commune=communes[0])
    return province, communes, old_commune


def test_province_scale_fills_every_commune_and_a_second_run_adds_nothing(small_province):
    province, communes, old_commune = small_province

    output = generate(scale="province", province_code=95)

    models = Initiative.objects.all()
    per_commune = Counter(
        models.filter(territory__era=Era.CURRENT).values_list("territory", flat=True)
    )
    assert set(per_commune) == {c.pk for c in communes}
    # About 150 models a commune over the years; the old commune shares the first one's.
    assert 330 <= models.count() <= 570
    assert models.filter(territory=old_commune).exists()
    assert max(models.filter(territory=old_commune).values_list("year", flat=True)) <= 2024
    assert 2.5 <= Indicator.objects.count() / models.count() <= 3.5
    assert not models.filter(indicators__isnull=True).exists()
    money = Indicator.objects.filter(kind__code="money_mobilised").values_list("value", flat=True)
    assert money
    assert all(v == v.to_integral_value() for v in money)
    commune_level = Recognition.objects.filter(level=Level.COMMUNE)
    assert 0.2 <= commune_level.count() / models.count() <= 0.5
    party = Organisation.objects.get(territory=communes[1], kind__code="party_committee")
    assert set(
        commune_level.filter(initiative__territory=communes[1]).values_list("issuer", flat=True)
    ) == {party.pk}
    assert Recognition.objects.filter(level=Level.PROVINCE).exists()
    assert models.filter(status=Status.REJECTED).exclude(status_note="").exists()
    individuals = models.filter(subject=Subject.INDIVIDUAL)
    assert individuals.exists()
    assert not individuals.filter(person_name="").exists()
    assert all(
        y == sorted(y) and y[0] == i for i, y in models.values_list("year", "registered_years")
    )
    assert_recognitions_agree_with_models()
    assert_search_columns_match_the_service_rule()
    summary = AuditEvent.objects.get(object_type="initiatives.initiative")
    assert summary.territory_id == province.pk
    assert summary.changes["models"] == [None, models.count()]
    assert f"models {models.count():,}".replace(",", ".") in output
    before = table_counts()

    second = generate(scale="province", province_code=95)

    assert table_counts() == before
    assert "models 0" in second


def test_a_national_run_completes_a_province_run_and_another_seed_draws_other_models(
    small_province,
):
    generate(scale="province", province_code=95, seed=7)
    first = set(Initiative.objects.values_list("territory", "year", "name", "status", "score"))

    # The same units drawn again at national scale: the same models, so nothing new.
    generate(scale="national", seed=7)

    assert (
        set(Initiative.objects.values_list("territory", "year", "name", "status", "score")) == first
    )

    generate(scale="province", province_code=95, seed=8)

    assert Initiative.objects.count() > len(first)
