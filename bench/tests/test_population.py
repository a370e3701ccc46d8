"""The national generator's plan looks like the deportations it stands for (bench/population.py).

Only the plan is checked here; writing it needs a PostgreSQL database of its own
(`bench/generate`)."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from bench.population import ROUTES, Population


@pytest.fixture(scope="module")
def plan() -> Population:
    population = Population(
        persons=3000, seed=7, now=datetime(2026, 11, 28, tzinfo=UTC), say=lambda _m: None
    )
    population.plan_people()
    population.batches = population.plan_batches()
    population.plan_journeys({})
    return population


def test_batches_carry_30_to_300_people_at_real_entry_points(plan):
    sizes = [size for _route, _arrived, size in plan.batches]
    assert min(sizes) >= 30 and max(sizes) <= 300
    assert sum(sizes) == len(plan.episodes)
    assert {ROUTES[route][0] for route, _a, _s in plan.batches} >= {"tanjung_pinang", "nunukan"}


def test_children_and_origins_are_shared_like_the_real_ones(plan):
    children = sum(e.child for e in plan.episodes) / len(plan.episodes)
    assert 0.05 <= children <= 0.15
    leading = {code for code, _n in Counter(e.province for e in plan.episodes).most_common(6)}
    assert len(leading & {"35", "52", "33", "11", "12", "53"}) >= 5


def test_every_episode_ends_as_its_status_says(plan):
    for e in plan.episodes:
        assert e.stays, e
        last_open = e.stays[-1][2] is None
        assert (e.status == "in_shelter") == last_open
        if e.status == "returned":
            assert e.handed is not None and e.departed is not None
            assert e.stays[-1][2] == e.departed < e.handed <= plan.now
        for _s, admitted, discharged, _r in e.stays:
            assert discharged is None or admitted < discharged


def test_some_come_back_linked_and_some_registered_again(plan):
    linked = [e for e in plan.episodes if e.previous is not None]
    assert linked
    for e in linked:
        earlier = plan.episodes[e.previous]
        assert earlier.person == e.person and earlier.when <= e.when and e.returning
    assert len(plan.person_rows) == 3000 < len(plan.episodes)
