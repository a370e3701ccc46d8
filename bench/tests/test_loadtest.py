"""The load test's arithmetic: how users are spread over shelters and how its request log
becomes the table of issue 9 (nothing here starts a server or Locust)."""

from pathlib import Path

from bench.loadtest import (
    KindResult,
    Request,
    markdown_table,
    percentile,
    requests_read,
    spread,
    summarise,
    verdict,
)


def test_users_are_spread_over_shelters_in_proportion_to_their_residents():
    order = spread(50, [200, 50, 50, 50])
    assert len(order) == 50
    assert [order.count(i) for i in range(4)] == [29, 7, 7, 7]
    assert order[:4] == [0, 1, 2, 3], "round robin, so a few users already cover every shelter"


def test_every_shelter_gets_someone_when_there_are_enough_users():
    assert sorted(set(spread(4, [1000, 1, 1, 1]))) == [0, 1, 2, 3]
    assert spread(2, [5, 1, 1]) == [0, 0], "too few users for every shelter: the largest first"
    assert spread(0, [1]) == [] and spread(3, []) == []


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1 … 100 ms
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7
    assert percentile([], 0.95) == 0


def request(started, name, ms, *, method="GET", failed=False):
    return Request(started, method, name, ms, failed)


def test_the_working_day_starts_when_the_last_user_has_logged_in():
    log = [
        request(0.0, "login (password)", 3000, method="POST"),
        request(1.0, "case page", 2000),  # during the login storm
        request(3.5, "home", 400),
        request(3.9, "static file", 100),  # the last login ends at 4.0 s
        request(4.2, "case page", 100),
        request(5.0, "case page", 300, failed=True),
        request(6.0, "manifest preview ready", 4000, method="WAIT"),
    ]
    rows = {row.name: row for row in summarise(log)}
    case = rows["case page"]
    assert (case.count, case.failures, case.max_ms) == (3, 1, 2000)
    assert case.p95_ms == 2000, "the whole run counts the login storm"
    assert (case.day_count, case.day_p95_ms) == (2, 300), "after the logins it does not"
    assert rows["login (password)"].day_count == 0
    assert not rows["manifest preview ready"].is_page
    assert [row.name for row in summarise(log)][-1] == "manifest preview ready", "pages first"


def test_the_verdict_needs_no_failure_and_every_page_within_target():
    fast = KindResult("case page", "GET", 10, 0, 80, 200, 300, 10, 200, True)
    slow = KindResult("shelter board", "GET", 10, 0, 300, 700, 900, 8, 450, True)
    wait = KindResult("preview ready", "WAIT", 2, 0, 4000, 6000, 6000, 2, 6000, False)
    assert verdict([fast, wait])["met"], "a background wait is not a page"
    result = verdict([fast, slow, wait])
    assert not result["met"]
    assert result["pages_over_target"] == ["shelter board"]
    assert result["pages_over_target_after_logins"] == []
    failing = KindResult("attendance", "POST", 5, 1, 50, 90, 90, 5, 90, True)
    assert verdict([fast, failing]) == {
        "target_p95_ms": 500,
        "failures": 1,
        "pages_over_target": [],
        "pages_over_target_after_logins": [],
        "met": False,
    }


def test_the_table_shows_each_kind_and_the_total(tmp_path: Path):
    log = tmp_path / "requests.csv"
    log.write_text(
        "100.000,GET,home,40.0,0\n"
        "100.100,GET,case page,120.5,0\n"
        "100.200,GET,case page,1320.0,1\n"
        "100.300,WAIT,manifest preview ready,4100.0,0\n",
        encoding="utf-8",
    )
    table = markdown_table(summarise(requests_read(log)))
    lines = table.splitlines()
    assert lines[0].startswith("| request kind | method | count | failures | p50 | p95 |")
    assert "| case page | GET | 2 | 1 | 120 ms | 1,320 ms | 1,320 ms | 1,320 ms |" in lines
    assert "| manifest preview ready (not a page) | WAIT | 1 | 0 |" in table
    assert lines[-1].startswith("| all pages | | 3 | 1 |")
