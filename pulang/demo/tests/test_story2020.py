"""The synthetic 2020 tells the report's story, counted straight from its events."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Q

from pulang.arrivals.models import ArrivalBatch
from pulang.cases.models import StatusChange
from pulang.demo.services import demo_load
from pulang.demo.story2020 import story_2020_load
from pulang.returns.models import HandoverMember
from pulang.shelters.models import Stay
from pulang.shelters.selectors import day_bounds

pytestmark = pytest.mark.django_db


def test_4340_handed_over_by_2_july_and_157_still_in_the_four_shelters(capsys):
    assert demo_load(people=10, story_2020=True).story_cases > 4340 + 157
    start, _ = day_bounds(date(2020, 1, 1))
    _, end = day_bounds(date(2020, 7, 2))
    returned = HandoverMember.objects.filter(
        handover__handed_at__gte=start, handover__handed_at__lt=end
    ).count()
    present = (
        Stay.objects.filter(admitted_at__lt=end)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=end))
        .count()
    )
    assert (returned, present) == (4340, 157)
    call_command("stats", "--from", "2020-01-01", "--to", "2020-07-02", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert (printed["returned_home"], printed["in_shelters"]) == (4340, 157), "stats agrees"
    assert len(printed["present_by_shelter"]) == 4, "people in each of the four shelters"
    assert story_2020_load() == 0, "loaded once"
    for stay in Stay.objects.filter(discharged_at__isnull=False)[:500]:
        assert stay.discharged_at is not None and stay.discharged_at >= stay.admitted_at
    # Batches are recorded as a worker's form would record them: every choice a real one.
    transports = set(ArrivalBatch.objects.values_list("transport", flat=True))
    assert transports <= set(ArrivalBatch.Transport.values), transports
    # A case's history read "Dirujuk — referred_hospital": a code where a worker writes why.
    reasons = set(
        StatusChange.objects.filter(to_status__in=["referred", "left"]).values_list(
            "reason", flat=True
        )
    )
    assert reasons == {"Dirujuk ke rumah sakit", "Melarikan diri"}, reasons
