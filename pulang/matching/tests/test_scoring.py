"""Scoring without Splink at run time gives what Splink's own prediction gives.

Intake scores new people against their candidates with SQL made from the trained model
(`model.scoring_sql`); Splink builds that SQL anew on every call, which cost more than the
scoring. The two must agree pair for pair: same pairs above the threshold, same levels (the
reasons shown), same weights and probabilities.
"""

import pyarrow as pa
import pytest

from pulang.matching.matching import _reasons, score_against_candidates
from pulang.matching.model import arrow_schema, level_weights, load_model, quiet_splink
from pulang.matching.records import match_row, match_row_json
from pulang.matching.synthetic import generate


def _splink_predictions(rows: list[dict], right: list[dict], threshold: float) -> list[dict]:
    from splink import DuckDBAPI, Linker, block_on

    quiet_splink()
    model = load_model()
    model["retain_matching_columns"] = True
    db_api = DuckDBAPI()
    schema = arrow_schema().append(pa.field("query_id", pa.int64()))
    left_df = db_api.register(pa.Table.from_pylist(rows, schema=schema), table_name="l")
    right_df = db_api.register(pa.Table.from_pylist(right, schema=schema), table_name="r")
    linker = Linker(right_df, model, log_level=None, validate_settings=False)
    predictions = linker.inference.predict_between(
        left_df,
        right_df,
        blocking_rules_to_generate_predictions=[block_on("query_id")],
        threshold_match_probability=threshold,
        warning_mode="never",
    )
    return predictions.as_record_list()


@pytest.mark.parametrize("threshold", [0.5, 0.0001])
def test_the_same_scores_as_splink(threshold):
    records = generate(120, seed=5, repeat_share=0.6)
    by_person: dict[int, list] = {}
    for record in records:
        by_person.setdefault(record.person_id, []).append(record)
    # Each new record against 12 others: its own earlier records (if any) and strangers.
    new = records[:40]
    left = [
        {**match_row(r.match_record(), index + 1), "query_id": index} for index, r in enumerate(new)
    ]
    right: list[dict] = []
    candidates: list[list[tuple[int, str]]] = []
    next_id = len(left) + 1
    for index, r in enumerate(new):
        others = [o for o in by_person[r.person_id] if o is not r]
        others += [o for o in records[40 + index : 40 + index + 12 - len(others)]]
        mine = []
        for other in others:
            row = match_row(other.match_record(), next_id)
            right.append({**row, "query_id": index})
            mine.append((next_id, match_row_json(row)))
            next_id += 1
        candidates.append(mine)

    expected = {
        (p["unique_id_l"], p["unique_id_r"]): p for p in _splink_predictions(left, right, threshold)
    }
    ours = score_against_candidates(
        [match_row_json(row) for row in left],
        [[person_id for person_id, _row in mine] for mine in candidates],
        dict(pair for mine in candidates for pair in mine),
        threshold=threshold,
    )
    got = {
        (index + 1, candidate.person_id): candidate
        for index, found in enumerate(ours)
        for candidate in found
    }

    weights = level_weights(load_model())
    assert len(expected) >= 20
    assert set(got) == set(expected)
    for pair, candidate in got.items():
        assert candidate.match_weight == pytest.approx(expected[pair]["match_weight"], abs=1e-9)
        assert candidate.match_probability == pytest.approx(
            expected[pair]["match_probability"], abs=1e-12
        )
        assert candidate.reasons == _reasons(expected[pair], weights)
