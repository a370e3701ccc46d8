"""The daily rollups never show a stale figure: after each kind of change the services make to
a closed day, the figures equal those counted again from nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pulang.agencies.models import Shelter
from pulang.arrivals.services import manifest_commit, manifest_preview, manifest_upload
from pulang.arrivals.tests.factories import BatchFactory
from pulang.cases.services import screening_record
from pulang.cases.tests.helpers import at
from pulang.empowerment.models import FollowUp
from pulang.empowerment.services import followup_record, outcome_set
from pulang.matching.services import person_merge
from pulang.people.tests.factories import PersonFactory
from pulang.reports.figures import figures
from pulang.reports.models import DailyFigure, RolledDay
from pulang.reports.rollup import forget_all, histogram_percentiles, history_start
from pulang.returns.services import handover_record
from pulang.shelters.models import Stay
from pulang.shelters.services import stay_admit, stay_discharge

from .test_figures import history

pytestmark = pytest.mark.django_db

PERIODS = [
    (date(2026, 3, 1), date(2026, 4, 30), date(2026, 3, 15)),
    (date(2026, 3, 10), date(2026, 3, 20), date(2026, 4, 1)),
]


def figures_now():
    return [
        figures(shelters=Shelter.objects.all(), start=start, end=end, as_of=as_of).as_dict()
        for start, end, as_of in PERIODS
    ]


def assert_fresh(what):
    shown = figures_now()
    forget_all()
    assert shown == figures_now(), f"stale after: {what}"


def present(world):
    return list(Stay.objects.filter(shelter=world.shelter, discharged_at__isnull=True))


def test_each_kind_of_change_to_a_closed_day_shows_at_once():
    world = history(4)
    figures_now()
    assert RolledDay.objects.filter(day=date(2026, 3, 12)).exists() and DailyFigure.objects.exists()

    staying = present(world)
    assert len(staying) >= 3, "the history leaves people in the shelter"
    handover_record(
        actor=world.head,
        shelter=world.shelter,
        cases=[staying[0].case],
        place="Selong",
        receiver_kind="family",
        receiver_name="Keluarga",
        receiver_relation="Ibu",
        witness_name="Saksi",
        handed_at=staying[0].admitted_at + timedelta(days=3),
    )
    assert_fresh("a handover recorded after the day")

    stay_discharge(
        actor=world.head,
        stay=staying[1],
        reason="referred_police",
        at=staying[1].admitted_at + timedelta(days=2),
    )
    assert_fresh("a discharge dated in the past")

    screening_record(
        actor=world.head,
        case=staying[2].case,
        recruitment="unlicensed_agent",
        recruiter_relation="friend",
        sector="domestic_work",
        determination="presumed",
    )
    assert_fresh("a screening of someone received in the period")

    stay = Stay.objects.get(pk=staying[2].pk)
    stay.admitted_at -= timedelta(days=6)
    stay.save(update_fields=["admitted_at"])
    assert_fresh("an admission moved to another day")

    returned = staying[0].case
    person = returned.person
    person.sex = "M" if person.sex == "F" else "F"
    person.save()
    assert_fresh("a person's sex corrected")

    elsewhere = PersonFactory(
        sex=person.sex, origin_region=world.regencies["35.27"], registered_by=world.head.agency
    )
    person_merge(actor=world.head, keep=elsewhere, absorb=person)
    assert_fresh("a merge moving a case to a person from another province")

    waiting = FollowUp.objects.filter(due_on__lt=date(2026, 4, 30), done_at__isnull=True)
    assert waiting.count() >= 2, "handovers plan follow-ups"
    moved = waiting.last()
    moved.due_on += timedelta(days=40)
    moved.save()
    assert_fresh("a follow-up moved out of the period")

    # A ship that came in March, registered from its manifest only now: a person seen
    # before (deported again) and a new one, both admitted on the day they came.
    batch = BatchFactory(
        receiving_agency=world.shelter.agency,
        arrived_at=at(date(2026, 3, 18), 9),
        entry_point="nunukan",
    )
    again = staying[1].case.person
    born = f"{again.birth_date:%d/%m/%Y}" if again.birth_date else "1990"
    text = (
        "Nama Lengkap;Jenis Kelamin;Tanggal Lahir\n"
        f"{again.full_name};{again.sex};{born}\n"
        "Wulan Sari;P;02/02/1996\n"
    )
    record, _new = manifest_upload(
        actor=world.head, batch=batch, data=text.encode(), filename="kapal.csv"
    )
    manifest_preview(manifest_import=record)
    record.refresh_from_db()
    manifest_commit(actor=world.head, manifest_import=record, actions={2: f"link:{again.pk}"})
    assert_fresh("a past batch's manifest committed")
    stay_admit(
        actor=world.head,
        shelter=world.shelter,
        cases=list(batch.cases.all()),
        at=at(date(2026, 3, 18), 11),
    )
    assert_fresh("a past batch's people admitted on the day they came")

    planned = waiting.first()
    followup_record(
        actor=world.head, followup=planned, reached=True, monthly_income=Decimal(750000)
    )
    outcome_set(actor=world.head, case=returned, outcome="independent")
    assert_fresh("a follow-up done and an outcome recorded")


def test_percentiles_from_counts_are_those_of_the_values():
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
    counts: dict[str, int] = {}
    for value in values:
        counts[str(value)] = counts.get(str(value), 0) + 1
    median, p90 = histogram_percentiles(counts)
    assert median == 4.0 and p90 == 6.0
    assert histogram_percentiles({"2": 1, "5": 1}) == (3.5, 5.0)
    assert histogram_percentiles({}) == (None, None)


def test_figures_rollup_counts_the_days_ahead_and_again(capsys):
    from django.core.management import call_command

    history(2)
    first = history_start()  # nothing before the first event is counted
    assert first is not None
    call_command("figures_rollup", "--from", "2026-03-01", "--to", "2026-03-31")
    days = (date(2026, 3, 31) - first).days + 1
    assert f"{days} hari dihitung" in capsys.readouterr().out
    assert RolledDay.objects.filter(day__range=(first, date(2026, 3, 31))).count() == days
    shown = figures_now()
    day = DailyFigure.objects.filter(figure="admitted").values_list("day", flat=True).first()
    DailyFigure.objects.filter(day=day).update(n=999)  # damaged by hand
    assert figures_now() != shown
    call_command("figures_rollup", "--from", str(day), "--to", str(day), "--rebuild")
    assert "1 hari dihitung" in capsys.readouterr().out
    assert figures_now() == shown
    call_command("figures_rollup", "--from", "2026-03-01", "--to", "2026-03-31")
    assert "0 hari dihitung" in capsys.readouterr().out


def test_a_long_history_not_yet_counted_is_counted_in_the_background_meanwhile(
    client, login_verified, settings
):
    """After an upgrade the dashboard would first count every day of the past: above the
    limit it hands that to a background task and says so, then shows the figures."""
    from django.tasks import default_task_backend

    from pulang.accounts.tests.factories import UserFactory
    from pulang.audit.models import AuditEvent
    from pulang.reports.tasks import figures_rollup_task

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.PULANG_ROLLUP_INLINE_DAYS = 20
    world = history(6)
    forget_all()
    head = UserFactory(agency=world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    query = {"dari": "2026-03-01", "sampai": "2026-03-31"}

    waiting = client.get("/laporan/", query)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "15"
    assert 'data-testid="figures-preparing"' in waiting.content.decode()
    assert [r.task.name for r in default_task_backend.results] == [figures_rollup_task.name]
    assert AuditEvent.objects.filter(summary__contains="figures being prepared").exists()
    assert client.get("/laporan/ekspor/", {**query, "format": "csv"}).status_code == 503

    assert figures_rollup_task.call() > 20  # what the worker does
    shown = client.get("/laporan/", query)
    assert shown.status_code == 200 and 'data-testid="returned-home"' in shown.content.decode()


def test_periods_far_from_the_records_are_refused_with_a_message(client, login_verified):
    from pulang.accounts.tests.factories import UserFactory

    world = history(8)
    head = UserFactory(agency=world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    for query in (
        {"dari": "1900-01-01", "sampai": "2026-03-31"},
        {"dari": "2026-03-01", "sampai": "9999-12-31"},
    ):
        response = client.get("/laporan/", query)
        assert response.status_code == 200
        assert "Pilih tanggal antara 1990-01-01" in response.content.decode()
    assert not RolledDay.objects.filter(day__lt=date(2026, 1, 1)).exists(), "no empty past rolled"
