import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from pulang.access.roles import Role
from pulang.agencies.models import Shelter
from pulang.matching.models import DuplicateCandidate
from pulang.people.models import Person

pytestmark = pytest.mark.django_db


def test_demo_loads_the_four_shelters_and_people_once(capsys):
    call_command("demo", people=50, without_2020=True)
    out = capsys.readouterr().out
    assert "peksos.bambuapus" in out and "pulang-demo-2026" in out
    assert set(Shelter.objects.values_list("name", flat=True)) == {
        "RPTC Bambu Apus",
        "RPTC Tanjung Pinang",
        "Pos Pemulangan Pontianak",
        'Balai "Mulya Jaya"',
    }
    # 50 people, two of them registered twice with a misspelt name for the duplicates page.
    assert Person.objects.count() == 52
    assert Person.objects.filter(origin_region__isnull=False).count() == 52
    pairs = DuplicateCandidate.objects.all()
    assert pairs.exists()
    assert all(p.person_a.birth_date == p.person_b.birth_date for p in pairs)

    call_command("demo", people=50, without_2020=True)
    assert Person.objects.count() == 52
    assert Shelter.objects.count() == 4
    worker = get_user_model().objects.get(username="peksos.bambuapus")
    assert worker.check_password("pulang-demo-2026")


def test_demo_has_one_login_per_role_and_second_factor_where_names_are_seen(capsys):
    call_command("demo", people=5, without_2020=True)
    users = get_user_model().objects.exclude(roles=[])
    held = sorted(role for user in users for role in user.roles)
    assert held.count(Role.SHELTER_SOCIAL_WORKER) == 2  # two shelters, to show scoping
    assert set(held) == {role.value for role in Role}
    analyst = users.get(username="analis.pusat")
    assert not analyst.needs_second_factor
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    out = capsys.readouterr().out
    for user in users:
        if user.needs_second_factor:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert device.name == "demo"
            assert user.username in out


def test_demo_shelters_have_residents_with_a_day_of_care(capsys):
    from pulang.cases.models import Screening
    from pulang.shelters.models import Provision, Stay
    from pulang.shelters.selectors import shelter_board

    call_command("demo", people=300, without_2020=True)
    call_command("demo", people=300, without_2020=True)  # twice: still one stay per case
    bambu_apus = Shelter.objects.get(code="rptc-bambu-apus")
    worker = get_user_model().objects.get(username="peksos.bambuapus")
    board = shelter_board(user=worker, shelter=bambu_apus)
    assert 0 < board.total == Stay.objects.filter(shelter=bambu_apus).count()
    assert Provision.objects.filter(shelter=bambu_apus, kind="lunch").exists()
    assert Screening.objects.filter(
        case__owning_agency=bambu_apus.agency, reviewed_at__isnull=True
    ).exists(), "a screening is waiting for the shelter head's review"


def test_the_printed_way_to_a_code_runs_where_make_run_left_things(capsys):
    """`make run` may fetch uv into var/tools, so neither `pulang` nor `uv` need be on PATH:
    the hint names the command make installed."""
    call_command("demo", people=5, without_2020=True)
    out = capsys.readouterr().out
    assert "print the current code with: .venv/bin/pulang otp-code USERNAME" in out
