"""The Splink model that says how likely two person records are the same person.

A Fellegi–Sunter model: each comparison below sorts a pair of records into one level (same
NIK, names alike, birth dates with day and month swapped, …), and the trained m and u
probabilities of the levels turn the pair into a match weight and probability. The parameters
are trained once on a synthetic population (`train_model`, `pulang match-train`) and saved in
`model.json` beside this file, so matching at run time never trains.

Splink is imported only inside functions, so the rest of Pulang imports without it.
"""

import copy
import json
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

from .records import COLUMNS

MODEL_PATH = Path(__file__).resolve().parent / "model.json"

_ARROW_TYPES = {
    "BIGINT": "int64",
    "INTEGER": "int32",
    "VARCHAR": "string",
    "DATE": "date32",
}


@dataclass(frozen=True)
class Level:
    sql: str
    label: str
    # What the level tells a social worker, in Indonesian; "" when it says nothing worth showing.
    reason: str = ""
    is_null: bool = False


def _null(*columns: str) -> Level:
    condition = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return Level(condition, "tidak diketahui", is_null=True)


ELSE = "ELSE"


# The reason given when two names have no word alike.
NAMES_DIFFER = gettext_noop("nama berbeda")


def _words_alike(left: str, right: str) -> str:
    """How well every word of one name matches some word of the other: the lowest, over the
    left name's words, of the best Jaro-Winkler similarity with a right name's word."""
    return (
        f"list_min(list_transform({left}, lambda x: list_max(list_transform({right}, "
        "lambda y: jaro_winkler_similarity(x, y)))))"
    )


_WORDS_ALIKE_LR = _words_alike("given_words_l", "given_words_r")
_WORDS_ALIKE_RL = _words_alike("given_words_r", "given_words_l")

# Some agreement on the person themself, beyond what relatives share.
_PERSON_AGREES = (
    f"(greatest({_WORDS_ALIKE_LR}, {_WORDS_ALIKE_RL}) >= 0.88 "
    "OR list_has_any(name_keys_l, name_keys_r) "
    "OR abs(birth_year_l - birth_year_r) <= 1)"
)

# Comparison name -> levels, most specific first. The labels are stable identifiers; the
# reasons are what the intake screen shows.
COMPARISONS: dict[str, list[Level]] = {
    "name": [
        _null("name_key"),
        Level("name_key_l = name_key_r", "exact", gettext_noop("nama sama")),
        Level(
            "list_has_any(name_keys_l, name_keys_r)",
            "alias",
            gettext_noop("nama sama dengan nama lain"),
        ),
        Level(
            "given_key_l = given_key_r",
            "given_exact",
            gettext_noop("nama sama (bin/binti berbeda)"),
        ),
        Level(
            f"least({_WORDS_ALIKE_LR}, {_WORDS_ALIKE_RL}) >= 0.88 "
            "OR list_has_all(given_skeletons_l, given_skeletons_r) "
            "AND list_has_all(given_skeletons_r, given_skeletons_l)",
            "alike",
            gettext_noop("nama mirip"),
        ),
        Level(
            f"greatest({_WORDS_ALIKE_LR}, {_WORDS_ALIKE_RL}) >= 0.88 "
            "OR list_has_all(given_skeletons_l, given_skeletons_r) "
            "OR list_has_all(given_skeletons_r, given_skeletons_l)",
            "part_alike",
            gettext_noop("sebagian nama sama"),
        ),
        Level(
            "len(list_intersect(given_skeletons_l, given_skeletons_r)) >= 1",
            "one_word",
            gettext_noop("ada kata nama yang sama"),
        ),
        Level(ELSE, "else", NAMES_DIFFER),
    ],
    "birth": [
        _null("birth_year"),
        Level("birth_date_l = birth_date_r", "exact", gettext_noop("tanggal lahir sama")),
        Level(
            "birth_year_l = birth_year_r AND day(birth_date_l) = month(birth_date_r) "
            "AND month(birth_date_l) = day(birth_date_r)",
            "day_month_swapped",
            gettext_noop("tanggal lahir sama (hari dan bulan tertukar)"),
        ),
        Level(
            "birth_year_l = birth_year_r AND (birth_date_l IS NULL OR birth_date_r IS NULL)",
            "year_only",
            gettext_noop("tahun lahir sama"),
        ),
        Level(
            "birth_year_l = birth_year_r",
            "same_year",
            gettext_noop("tahun lahir sama, tanggal berbeda"),
        ),
        Level(
            "abs(birth_year_l - birth_year_r) <= 1",
            "within_year",
            gettext_noop("tahun lahir selisih satu"),
        ),
        Level(ELSE, "else", gettext_noop("tanggal lahir berbeda")),
    ],
    "sex": [
        _null("sex"),
        Level("sex_l = sex_r", "exact"),
        Level(ELSE, "else", gettext_noop("jenis kelamin berbeda")),
    ],
    "nik": [
        _null("nik"),
        Level("nik_l = nik_r", "exact", gettext_noop("NIK sama")),
        Level(
            "levenshtein(nik_l, nik_r) <= 1",
            "one_digit",
            gettext_noop("NIK hampir sama (beda satu angka)"),
        ),
        Level(ELSE, "else", gettext_noop("NIK berbeda")),
    ],
    "travel_document": [
        _null("travel_document_number"),
        Level(
            "travel_document_number_l = travel_document_number_r",
            "exact",
            gettext_noop("nomor paspor/SPLP sama"),
        ),
        Level(ELSE, "else"),
    ],
    "phone": [
        _null("phones"),
        Level("list_has_any(phones_l, phones_r)", "same", gettext_noop("nomor HP sama")),
        Level(ELSE, "else"),
    ],
    # Relatives share the family card and the next of kin's phone: these count as strong
    # evidence only beside some agreement on the person (name or birth year).
    "family": [
        Level(
            "(family_card_number_l IS NULL OR family_card_number_r IS NULL) "
            "AND (kin_phones_l IS NULL OR kin_phones_r IS NULL)",
            "tidak diketahui",
            is_null=True,
        ),
        Level(
            f"family_card_number_l = family_card_number_r AND {_PERSON_AGREES}",
            "card_and_person",
            gettext_noop("nomor KK sama"),
        ),
        Level(
            f"list_has_any(kin_phones_l, kin_phones_r) AND {_PERSON_AGREES}",
            "kin_phone_and_person",
            gettext_noop("nomor HP keluarga sama"),
        ),
        Level(
            "family_card_number_l = family_card_number_r "
            "OR list_has_any(kin_phones_l, kin_phones_r)",
            "family_only",
            gettext_noop("mungkin anggota keluarga (nomor KK atau HP keluarga sama)"),
        ),
        Level(ELSE, "else"),
    ],
    "region": [
        _null("regency", "province"),
        Level("regency_l = regency_r", "regency", gettext_noop("daerah asal sama")),
        Level("province_l = province_r", "province", gettext_noop("provinsi asal sama")),
        Level(ELSE, "else", gettext_noop("daerah asal berbeda")),
    ],
}


def blocking_rules(*, sex: bool = True) -> list[Any]:
    """Which pairs a whole-registry deduplication scores: any one of these equalities.

    Without `sex` the name rules leave it out: a list that records no sex (FEBRL, a list of
    names and birth years) would otherwise have no pair found by name at all."""
    from splink import block_on

    with_sex = ("sex",) if sex else ()
    return [
        block_on("nik"),
        block_on("travel_document_number"),
        block_on("family_card_number"),
        block_on("all_phones", arrays_to_explode=["all_phones"]),
        block_on("name_tokens", "birth_year", *with_sex, arrays_to_explode=["name_tokens"]),
        block_on("given_skeleton", *with_sex),
        block_on("birth_date", "regency"),
        block_on("birth_date", "substr(given_key, 1, 1)"),
        block_on("birth_day_month", "province"),
        block_on("birth_year", "substr(given_key, 1, 3)", *with_sex),
    ]


# The name levels whose weight follows how common the name is in the data scored (Splink's
# term-frequency adjustment): two records both named "Rina" agree on less than two named
# "Kartini Wulandari Situmorang".
_NAME_FREQUENCIES = {"exact": "name_key", "given_exact": "given_key"}


def with_name_frequencies(model: dict[str, Any]) -> dict[str, Any]:
    """The trained model with its exact name levels weighed by the names' frequency in the
    records scored, for deduplicating a whole registry or file (`dedupe`). Intake scores one
    arrival against a few candidates (`scoring_sql`) and does not use it."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] != "name":
            continue
        for level in comparison["comparison_levels"]:
            column = _NAME_FREQUENCIES.get(level.get("label_for_charts", ""))
            if column:
                level["tf_adjustment_column"] = column
                level["tf_adjustment_weight"] = 1.0
    return model


def settings_creator() -> Any:
    """The untrained model: comparisons, levels and blocking rules."""
    from splink import SettingsCreator
    from splink.comparison_library import CustomComparison

    comparisons: list[Any] = []
    for name, levels in COMPARISONS.items():
        comparison_levels: list[Any] = []
        for level in levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.is_null:
                entry["is_null_level"] = True
            comparison_levels.append(entry)
        comparisons.append(
            CustomComparison(
                comparison_levels=comparison_levels,
                output_column_name=name,
                comparison_description=name,
            )
        )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=30,
    )


def quiet_splink() -> None:
    """Keep Splink's progress messages (INFO) out of Pulang's logs; warnings still show."""
    logging.getLogger("splink").setLevel(logging.WARNING)


# -- DuckDB tables -------------------------------------------------------------------------


def arrow_schema() -> Any:
    import pyarrow as pa

    fields = []
    for column, sql_type in COLUMNS.items():
        if sql_type.endswith("[]"):
            arrow_type = pa.list_(pa.string())
        else:
            arrow_type = getattr(pa, _ARROW_TYPES[sql_type])()
        fields.append(pa.field(column, arrow_type))
    return pa.schema(fields)


def create_input_table(
    con: Any, table: str, extra_columns: Mapping[str, str] | None = None
) -> None:
    columns = {**COLUMNS, **(extra_columns or {})}
    body = ", ".join(f"{column} {sql_type}" for column, sql_type in columns.items())
    con.execute(f"CREATE OR REPLACE TABLE {table} ({body})")


def insert_rows(con: Any, table: str, rows: list[dict[str, Any]], schema: Any = None) -> None:
    """Append rows (dicts of `COLUMNS`, maybe more) to a DuckDB table through Arrow."""
    import pyarrow as pa

    if not rows:
        return
    batch = pa.Table.from_pylist(rows, schema=schema or arrow_schema())
    con.register("__pulang_batch", batch)
    try:
        names = ", ".join(batch.column_names)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM __pulang_batch")  # noqa: S608
    finally:
        con.unregister("__pulang_batch")


# -- the trained model ----------------------------------------------------------------------


class ModelMissing(RuntimeError):
    pass


@cache
def _model_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ModelMissing(
            f"No trained matching model at {path}; run `pulang match-train`."
        ) from error


def load_model(path: Path | None = None) -> dict[str, Any]:
    """The trained settings (a fresh copy each call: Splink keeps and changes what it gets)."""
    return copy.deepcopy(json.loads(_model_text(str(path or MODEL_PATH))))


@dataclass(frozen=True)
class LevelWeight:
    comparison: str
    label: str
    reason: str
    match_weight: float


def level_weights(model: Mapping[str, Any]) -> dict[tuple[str, int], LevelWeight]:
    """(comparison, gamma value) -> the level's reason and its trained match weight."""
    reasons = {
        (name, level.label): level.reason
        for name, levels in COMPARISONS.items()
        for level in levels
    }
    result: dict[tuple[str, int], LevelWeight] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        counter = sum(1 for level in levels if not level.get("is_null_level")) - 1
        for level in levels:
            if level.get("is_null_level"):
                gamma = -1
                weight = 0.0
            else:
                gamma = counter
                counter -= 1
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = math.log2(m / u) if m and u else 0.0
            label = level.get("label_for_charts", "")
            result[(name, gamma)] = LevelWeight(name, label, reasons.get((name, label), ""), weight)
    return result


# -- scoring without Splink ------------------------------------------------------------------


def _prob_to_weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def scoring_sql(model: Mapping[str, Any], left: str, right: str, threshold: float) -> str:
    """DuckDB SQL that scores every row of `left` against the rows of `right` with the same
    query_id, as Splink's `predict_between` would with this trained model (the same level
    conditions, match weights and probabilities), without Splink building its SQL each call.

    Both tables have `unique_id`, `query_id` and the columns of `COLUMNS`. The result has
    unique_id_l, unique_id_r, match_weight, match_probability and a gamma_<comparison> column
    per comparison, for the pairs at or above `threshold`, and for the pairs that share a NIK
    or travel document number whatever their weight: a number someone else holds is worth a
    look (the number may be wrong, or the name).
    """
    columns = [column for column in COLUMNS if column != "unique_id"]
    pair_columns = ", ".join(
        f"l.{column} AS {column}_l, r.{column} AS {column}_r" for column in columns
    )
    gammas: list[str] = []
    weights: list[str] = []
    for name, levels in level_sql(model).items():
        whens = " ".join(f"WHEN {_alike_once(sql)} THEN {gamma}" for gamma, sql, _weight in levels)
        gammas.append(f"CASE {whens} END AS gamma_{name}")
        cases = " ".join(
            f"WHEN {gamma} THEN CAST({weight!r} AS DOUBLE)" for gamma, _, weight in levels
        )
        weights.append(f"CASE gamma_{name} {cases} END")
    prior = _prob_to_weight(model["probability_two_random_records_match"])
    weight = f"CAST({prior!r} AS DOUBLE) + " + " + ".join(weights)
    gamma_columns = ", ".join(f"gamma_{name}" for name in level_sql(model))
    return f"""
        WITH joined AS (
            SELECT l.unique_id AS unique_id_l, r.unique_id AS unique_id_r, {pair_columns}
            FROM {left} l JOIN {right} r ON l.query_id = r.query_id
        ),
        pairs AS (
            SELECT *, {_WORDS_ALIKE_LR} AS alike_lr, {_WORDS_ALIKE_RL} AS alike_rl FROM joined
        ),
        gammas AS (
            SELECT unique_id_l, unique_id_r, {", ".join(gammas)} FROM pairs
        ),
        weighed AS (
            SELECT unique_id_l, unique_id_r, {gamma_columns}, {weight} AS match_weight
            FROM gammas
        )
        SELECT unique_id_l, unique_id_r, match_weight,
            CASE WHEN match_weight >= 0 THEN 1.0 / (1.0 + POWER(CAST(2 AS DOUBLE), -match_weight))
                 ELSE POWER(CAST(2 AS DOUBLE), match_weight)
                      / (1.0 + POWER(CAST(2 AS DOUBLE), match_weight))
            END AS match_probability,
            {gamma_columns}
        FROM weighed
        WHERE match_weight >= {_prob_to_weight(threshold)!r} OR {_same_number(model)}
    """  # noqa: S608 - table names from the caller, numbers from the trained model


# The levels at which two records hold the same identity number.
_SAME_NUMBER = {
    "nik": "nik_l = nik_r",
    "travel_document": "travel_document_number_l = travel_document_number_r",
}


# The birth levels at which two records give the same date.
_SAME_BIRTH_DATE = {
    level.sql for level in COMPARISONS["birth"] if level.label in ("exact", "day_month_swapped")
}


def same_number_levels(model: Mapping[str, Any]) -> dict[str, int]:
    """The gamma column and level at which a pair holds the same NIK or document number."""
    levels = level_sql(model)
    return {
        f"gamma_{name}": gamma
        for name, condition in _SAME_NUMBER.items()
        for gamma, sql, _weight in levels.get(name, ())
        if sql == condition
    }


def same_birth_date_levels(model: Mapping[str, Any]) -> dict[str, set[int]]:
    """The gamma column and levels at which a pair has the same birth date (day and month
    either way round)."""
    return {
        "gamma_birth": {
            gamma
            for gamma, sql, _weight in level_sql(model).get("birth", ())
            if sql in _SAME_BIRTH_DATE
        }
    }


def _same_number(model: Mapping[str, Any]) -> str:
    """A condition on the gamma columns: the pair holds the same NIK or document number."""
    arms = [f"{column} = {gamma}" for column, gamma in same_number_levels(model).items()]
    return " OR ".join(arms) or "FALSE"


def _alike_once(condition: str) -> str:
    """The condition with the word-by-word similarity of the two names (several levels and
    comparisons ask for it, each time a Jaro-Winkler for every pair of words) read from the
    columns `scoring_sql` computes once per pair."""
    return condition.replace(_WORDS_ALIKE_LR, "alike_lr").replace(_WORDS_ALIKE_RL, "alike_rl")


def level_sql(model: Mapping[str, Any]) -> dict[str, list[tuple[int, str, float]]]:
    """Comparison -> its levels in order as (gamma, SQL condition, match weight)."""
    result: dict[str, list[tuple[int, str, float]]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        counter = sum(1 for level in levels if not level.get("is_null_level")) - 1
        entries: list[tuple[int, str, float]] = []
        for level in levels:
            if level.get("is_null_level"):
                gamma, weight = -1, 0.0
            else:
                gamma, counter = counter, counter - 1
                m, u = level["m_probability"], level["u_probability"]
                weight = math.log2(m / u)
            sql = level["sql_condition"]
            entries.append((gamma, "TRUE" if sql == ELSE else sql, weight))
        result[comparison["output_column_name"]] = entries
    return result


# -- training -------------------------------------------------------------------------------


def _fill_untrained(model: dict[str, Any], floor: float) -> None:
    """Give levels that training never saw a small m or u instead of none; round the rest.

    A level no random pair reached (a one-digit NIK difference) gets u = one in the number of
    pairs sampled; a level no blocked match reached (relatives' numbers with nothing else
    alike) gets m = that same floor, so it counts against a match rather than not at all.
    """
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                level[key] = float(f"{level.get(key) or floor:.10g}")  # stable across runs


def train_model(
    rows: Iterable[dict[str, Any]],
    *,
    out_path: Path | None = MODEL_PATH,
    seed: int = 42,
    u_max_pairs: float = 5e6,
    progress: Any = None,
) -> dict[str, Any]:
    """Estimate the model on records (rows of `COLUMNS`) and save it as JSON.

    u probabilities by random sampling (random pairs are nearly all different people); m
    probabilities by expectation maximisation on two blockings, each estimating what the
    other holds fixed; the prior from pairs that agree on NIK or on name and birth date.
    """
    from splink import DuckDBAPI, Linker, block_on

    say = progress or (lambda message: None)
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    create_input_table(con, "training_records")
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 20_000:
            insert_rows(con, "training_records", batch)
            batch = []
    insert_rows(con, "training_records", batch)
    count = con.execute("SELECT count(*) FROM training_records").fetchall()[0][0]
    say(f"Training on {count} records")

    quiet_splink()
    linker = Linker(
        db_api.register("training_records", table_name="records"),
        settings_creator(),
        log_level=None,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik"), block_on("name_key", "birth_date")], recall=0.6
    )
    say("u probabilities by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    say("m probabilities by expectation maximisation (blocked on name)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_key"), estimate_without_term_frequencies=True
    )
    say("m probabilities by expectation maximisation (blocked on birth date and regency)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date", "regency"), estimate_without_term_frequencies=True
    )
    model: dict[str, Any] = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)
    _fill_untrained(model, floor=1 / u_max_pairs)
    if out_path is not None:
        out_path.write_text(json.dumps(model, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        _model_text.cache_clear()
        say(f"Model saved to {out_path}")
    return model
