"""Every figure checked against an independent count of a small random history, and small
cells suppressed wherever an aggregate leaves the building."""

import json
import math
import random
import statistics
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.models import Agency, Shelter
from pulang.cases.tests.helpers import at
from pulang.reports.figures import AGE_GROUPS, figures, suppressed
from pulang.returns.models import HandoverMember
from pulang.returns.tests.helpers import hand_over, residents_going_home, return_world
from pulang.shelters.models import Stay
from pulang.shelters.selectors import age_on
from pulang.shelters.services import stay_discharge

pytestmark = pytest.mark.django_db


def history(seed: int):
    """People admitted on random days of March 2026; some handed over, some referred, some
    still there."""
    rng = random.Random(seed)
    world = return_world(capacity=500)
    cases = residents_going_home(world, {"52.03": 12, "52.02": 9, "35.27": 7})
    for case in cases:
        arrived = at(date(2026, 3, 1) + timedelta(days=rng.randint(0, 20)), rng.randint(0, 22))
        case.opened_at = arrived
        case.save(update_fields=["opened_at"])
        Stay.objects.filter(case=case).update(admitted_at=arrived + timedelta(hours=1))
    for case in cases:
        stay = Stay.objects.get(case=case)
        fate = rng.random()
        leave = stay.admitted_at + timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 12))
        if fate < 0.6:
            hand_over(world, [case], receiver_kind="family", handed_at=leave)
        elif fate < 0.75:
            stay_discharge(actor=world.head, stay=stay, reason="referred_hospital", at=leave)
    return world


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_matches_an_independent_count(seed):
    world = history(seed)
    start, end, as_of = date(2026, 3, 5), date(2026, 3, 25), date(2026, 3, 15)
    result = figures(shelters=Shelter.objects.all(), start=start, end=end, as_of=as_of)

    def local(moment):
        return timezone.localtime(moment).date()

    members = list(HandoverMember.objects.select_related("handover", "case__person"))
    returned = [m for m in members if start <= local(m.handover.handed_at) <= end]
    assert result.returned_home == len(returned)
    stays = list(Stay.objects.select_related("case"))
    assert result.in_shelters == sum(
        1
        for s in stays
        if local(s.admitted_at) <= as_of
        and (s.discharged_at is None or local(s.discharged_at) > as_of)
    )
    assert result.received == sum(1 for s in stays if start <= local(s.case.opened_at) <= end)
    assert result.referred == sum(
        1
        for s in stays
        if s.discharge_reason == "referred_hospital" and start <= local(s.discharged_at) <= end
    )
    assert sum(result.returned_by_province.values()) == result.returned_home
    assert result.returned_by_sex.get("F", 0) == sum(
        1 for m in returned if m.case.person.sex == "F"
    )
    assert result.present_by_shelter.get(world.shelter.name, 0) == result.in_shelters

    # The groupings and spans the database computes, counted here by hand.
    provinces = {"52": "NUSA TENGGARA BARAT", "35": "JAWA TIMUR"}
    by_province: dict[str, int] = {}
    for m in returned:
        name = provinces[str(m.case.person.origin_region_id)[:2]]
        by_province[name] = by_province.get(name, 0) + 1
    assert {k.upper(): v for k, v in result.returned_by_province.items()} == by_province
    ages = [age_on(m.case.person.birth_date, local(m.handover.handed_at)) for m in returned]
    groups = {"0-17": 0, "18-29": 0, "30-44": 0, "45+": 0}
    for age in (a for a in ages if a is not None):
        key = next(g for g, low, high in AGE_GROUPS if low <= age <= high)
        groups[key] += 1
    assert result.returned_by_age_group == groups
    assert result.returned_children == groups["0-17"]
    # Lengths are whole local days: arrived on Monday, handed over on Thursday is 3.
    waits = sorted((local(m.handover.handed_at) - local(m.case.opened_at)).days for m in returned)
    assert result.handover_days_median == round(statistics.median(waits), 1)
    assert result.handover_days_p90 == round(waits[math.ceil(0.9 * len(waits)) - 1], 1)
    ended = sorted(
        (local(s.discharged_at) - local(s.admitted_at)).days
        for s in stays
        if s.discharged_at is not None and start <= local(s.discharged_at) <= end
    )
    assert result.stay_days_median == round(statistics.median(ended), 1)
    assert result.stay_days_p90 == round(ended[math.ceil(0.9 * len(ended)) - 1], 1)
    received = [s.case for s in stays if start <= local(s.case.opened_at) <= end]
    assert result.received_by_determination == {"unscreened": len(received)}


def test_small_cells_are_suppressed_in_every_aggregate_that_leaves():
    data = {"returned_home": 10, "in_shelters": 11, "zero": 0, "by": {"a": 3, "b": 40}}
    assert suppressed(data) == {
        "returned_home": "<11",
        "in_shelters": 11,
        "zero": 0,
        "by": {"a": "<11", "b": 40},
    }
    assert suppressed({"x": 4, "y": 5}, threshold=5) == {"x": "<5", "y": 5}


def test_the_analyst_dashboard_and_stats_suppress_small_cells(client, login_verified, capsys):
    world = history(7)
    ministry = Agency.objects.create(code="kemensos", name="Kemensos", kind="ministry_unit")
    analyst = UserFactory(agency=ministry, roles=["hq_analyst"])
    client.force_login(analyst)
    body = client.get("/laporan/?dari=2026-03-01&sampai=2026-03-31&per=2026-03-15").content.decode()
    result = figures(
        shelters=Shelter.objects.all(),
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        as_of=date(2026, 3, 15),
    )
    small = [v for v in result.returned_by_province.values() if 0 < v < 11]
    assert small, "the history has small cells to hide"
    assert "&lt;11" in body
    for case in world.shelter.stays.select_related("case__person")[:5]:
        assert case.case.person.full_name not in body, "aggregates only"
    call_command("stats", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert all(v == "<11" or v >= 11 or v == 0 for v in printed["returned_by_province"].values())
    head = UserFactory(agency=world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    exact = client.get("/laporan/?dari=2026-03-01&sampai=2026-03-31").content.decode()
    assert f'data-testid="returned-home">{result.returned_home}<' in exact


def test_exports_of_aggregates_are_suppressed_formula_safe_and_audited(client, login_verified):
    import csv
    import io

    import openpyxl

    from pulang.audit.models import AuditEvent

    world = history(11)
    head = UserFactory(agency=world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    query = "dari=2026-03-01&sampai=2026-03-31&per=2026-03-15"
    response = client.get(f"/laporan/ekspor/?{query}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "group", "value"]
    values = [row[2] for row in rows[1:] if row[0].startswith("returned_by_")]
    assert values and all(v == "<11" or v == "0" or int(v) >= 11 for v in values), (
        "even a shelter head's export hides small cells"
    )
    response = client.get(f"/laporan/ekspor/?{query}&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active.cell(1, 1).value == "figure"
    assert AuditEvent.objects.filter(action="export", object_type="reports.dashboard").count() == 2


def test_the_ctdc_export_is_anonymised_and_in_the_codebooks_names(client, login_verified):
    import csv
    import io

    from pulang.cases.services import screening_record

    world = history(5)
    case = world.shelter.stays.select_related("case__person").first().case
    screening_record(
        actor=world.head,
        case=case,
        recruitment="unlicensed_agent",
        recruiter_relation="friend",
        sector="domestic_work",
        determination="presumed",
        means_of_control=["withholds_documents", "debt_bondage"],
        exploitation_types=["forced_labour"],
        account="Kisah Rahasia",
    )
    head = UserFactory(agency=world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    body = client.get("/laporan/ctdc.csv?dari=2026-03-01&sampai=2026-03-31").content.decode()
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert row["meansOfControlWithholdsDocuments"] == "1"
    assert row["meansOfControlDebtBondage"] == "1" and row["meansOfControlThreats"] == "0"
    assert row["isForcedLabour"] == "1" and row["typeOfLabourDomesticWork"] == "1"
    assert row["recruiterRelationFriend"] == "1" and row["CountryOfExploitation"] == "MY"
    assert row["yearOfRegistration"] == "2026" and row["citizenship"] == "ID"
    for secret in (case.person.full_name, "Kisah Rahasia", str(case.person.birth_date)):
        assert secret not in body
