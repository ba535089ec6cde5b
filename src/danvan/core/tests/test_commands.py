import io
import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from danvan import cli
from danvan.accounts.models import RoleGrant, User
from danvan.audit.models import AuditEvent
from danvan.core.demo import registry
from danvan.core.demo.generators import specs_for
from danvan.core.management.commands.demo import Command as DemoCommand
from danvan.organisations.models import Organisation
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

SUBPROCESS_TIMEOUT = 120


def danvan_env(tmp_path, **extra) -> dict[str, str]:
    """Environment for a `danvan` child process: its own SQLite file, never the test database."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.pop("DANVAN_SECRET_KEY", None)
    env.update({"DANVAN_DATA_DIR": str(tmp_path), **extra})
    return env


def run_danvan(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "danvan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


@pytest.fixture
def small_province():
    province = ProvinceFactory(code=95, name="Tỉnh Thử Nghiệm", division_type="tỉnh")
    communes = [
        CommuneFactory(parent=province, code=code, name=name)
        for code, name in [
            (95001, "Xã Bình An"),
            (95002, "Phường Hòa Bình"),
            (95003, "Xã Đồng Tâm"),
        ]
    ]
    return province, communes


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_generate_province_populates_every_commune_and_a_second_run_adds_nothing(small_province):
    province, communes = small_province

    output = generate(scale="province", province_code=95)

    assert Organisation.objects.filter(territory=province).count() == 15
    for commune in communes:
        kinds = set(
            Organisation.objects.filter(territory=commune).values_list("kind__code", flat=True)
        )
        assert {
            "party_committee",
            "peoples_committee",
            "fatherland_front",
            "task_force",
            "farmers_union",
            "womens_union",
            "youth_union",
            "veterans_association",
        } <= kinds
        assert RoleGrant.objects.filter(territory=commune).count() == 3
    commune_party = Organisation.objects.get(territory=communes[0], kind__code="party_committee")
    assert commune_party.parent.territory == province
    assert User.objects.filter(username="t95.quantri", grants__role="territory_admin").exists()
    assert User.objects.get(username="x95001.canbo").check_password("danvan-demo-2025")
    # One shared hash for every generated account.
    assert (
        User.objects.filter(username__startswith="x95").values("password").distinct().count() == 1
    )
    assert AuditEvent.objects.filter(object_type="organisations.organisation").count() == 45
    assert set(AuditEvent.objects.values_list("source", flat=True)) == {"command:generate"}
    assert "organisations 45" in output
    before = (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count())

    second = generate(scale="province", province_code=95)

    assert (
        Organisation.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    assert "organisations 0" in second
    assert "users 0" in second


@pytest.mark.django_db
def test_generated_organisations_are_the_same_for_the_same_seed(small_province):
    province, communes = small_province

    generate(scale="province", province_code=95, seed=7)

    stored = set(Organisation.objects.values_list("name", "phone", "address", "founded_on"))
    rebuilt = {(s.name, s.phone, s.address, s.founded_on) for s in specs_for(province, communes, 7)}
    other_seed = {
        (s.name, s.phone, s.address, s.founded_on) for s in specs_for(province, communes, 8)
    }
    assert stored == rebuilt
    assert stored != other_seed


@pytest.mark.django_db
def test_generate_unknown_province_is_refused_clearly(small_province):
    with pytest.raises(CommandError, match="no current province with code 77"):
        generate(scale="province", province_code=77)


@pytest.mark.django_db
def test_registered_generators_run_in_order_with_their_own_random_stream(
    small_province, monkeypatch
):
    calls = []
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))

    @registry.register("zz_late_app", order=500)
    def late(run):
        calls.append(("late", run.rng("zz_late_app").random()))
        return {"things": 1}

    @registry.register("aa_early_app", order=5)
    def early(run):
        calls.append(("early", len(run.communes)))
        return {}

    output = generate(scale="province", province_code=95, seed=3)

    assert [name for name, _ in calls] == ["early", "late"]
    assert calls[0][1] == 3
    assert (
        calls[1][1]
        == registry.GenerationRun(
            scale="province", seed=3, provinces=[], communes=[], actor=None, password=""
        )
        .rng("zz_late_app")
        .random()
    )
    assert "zz_late_app" in output
    assert "things 1" in output


def test_demo_reset_says_what_it_deletes_and_deletes_it(tmp_path):
    database = tmp_path / "danvan.sqlite3"
    database.write_text("x")
    (tmp_path / "danvan.sqlite3-wal").write_text("x")
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "file.xlsx").write_text("x")
    command = DemoCommand(stdout=io.StringIO())

    command._reset(database, media)

    output = command.stdout._out.getvalue()
    assert str(database) in output
    assert str(media) in output
    assert not database.exists()
    assert not media.exists()
    assert not (tmp_path / "danvan.sqlite3-wal").exists()


def test_serve_without_secret_key_stops_with_one_clear_line(tmp_path):
    result = run_danvan("serve", env=danvan_env(tmp_path))

    assert result.returncode != 0
    assert "DANVAN_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_import_territories_is_reachable_with_a_hyphen(tmp_path):
    env = danvan_env(tmp_path)
    migrated = run_danvan("migrate", "-v", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr

    result = run_danvan("import-territories", env=env)

    assert result.returncode == 0, result.stderr
    assert "Territories:" in result.stdout
    with sqlite3.connect(tmp_path / "danvan.sqlite3") as db:
        (communes,) = db.execute(
            "select count(*) from territories_territory where era = '2025' and level = 'commune'"
        ).fetchone()
    assert communes == 3321


def test_cli_refuses_an_old_python(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 11, 9, "final", 0))
    monkeypatch.setattr(sys, "argv", ["danvan", "help"])

    with pytest.raises(SystemExit) as exit_info:
        cli.main()

    assert "needs Python 3.12 or newer" in str(exit_info.value.code)
