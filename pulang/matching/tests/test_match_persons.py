"""`pulang match-persons`: pairs and clusters from a CSV file or the registry, clear errors."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pulang.audit.models import AuditEvent
from pulang.people.tests.factories import PersonFactory

# A manifest as a shelter might keep it: its own headers, ';' separated, dd/mm/yyyy dates.
MANIFEST = """\
No;Nama;JK;Tgl Lahir;No KTP;Paspor;HP;Asal
A1;Siti Aminah binti Abdullah;P;12/03/1990;3525015203900003;B1234567;+60123456789;35.25.01
A2;Sity Aminah;P;1990-12-03;;SPLP00123456;;35.25.01
B1;Muhammad Rizki Pratama;L;05/11/1988;;C7654321;081234567890;52.03.04
B2;Mohamad Rizky Pratama;L;1988;;SPLP00999999;0812-3456-7890;52.03.04
B3;Rizki Pratama bin Ahmad;L;05/11/1988;;C7654321;;52.03
C1;Wayan Suparta;L;17/07/1984;;;;51.71
D1;Nur Hasanah binti Abdullah;P;02/08/1995;;;;35.25.01
"""
COLUMNS = (
    "id=No,full_name=Nama,sex=JK,birth_date=Tgl Lahir,nik=No KTP,"
    "travel_document_number=Paspor,phones=HP,origin_region_code=Asal"
)


def run(*args: str) -> None:
    call_command("match_persons", *args)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(MANIFEST, encoding="utf-8")
    return path


def test_csv_pairs_and_clusters(manifest, tmp_path):
    output = tmp_path / "out" / "pairs.csv"

    run("--input", str(manifest), "--columns", COLUMNS, "--output", str(output))

    rows = read(output)
    assert list(rows[0]) == ["id_l", "id_r", "match_probability", "match_weight", "cluster_id"]
    pairs = {frozenset((row["id_l"], row["id_r"])) for row in rows}
    assert frozenset({"A1", "A2"}) in pairs
    assert {frozenset({"B1", "B2"}), frozenset({"B1", "B3"})} <= pairs
    assert all(float(row["match_probability"]) >= 0.8 for row in rows)
    clusters: dict[str, set[str]] = {}
    for row in rows:
        clusters.setdefault(row["cluster_id"], set()).update((row["id_l"], row["id_r"]))
    assert sorted(map(sorted, clusters.values())) == [["A1", "A2"], ["B1", "B2", "B3"]]


def test_a_higher_threshold_keeps_fewer_pairs(manifest, tmp_path):
    loose, strict = tmp_path / "loose.csv", tmp_path / "strict.csv"

    run("--input", str(manifest), "--columns", COLUMNS, "--output", str(loose))
    run(
        "--input", str(manifest), "--columns", COLUMNS, "--output", str(strict),
        "--threshold", "0.999999",
    )  # fmt: skip

    assert len(read(strict)) < len(read(loose))


def test_rows_are_numbered_when_no_id_column_is_mapped(manifest, tmp_path):
    output = tmp_path / "pairs.csv"

    run("--input", str(manifest), "--columns", "full_name=Nama,birth_date=Tgl Lahir,sex=JK,"
        "nik=No KTP,travel_document_number=Paspor", "--output", str(output))  # fmt: skip

    ids = {row["id_l"] for row in read(output)} | {row["id_r"] for row in read(output)}
    assert ids <= {str(n) for n in range(1, 8)}
    assert {"1", "2"} <= ids


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("full_name=Nama,birthday=Tgl Lahir", "Unknown field 'birthday'"),
        ("full_name=Nama,birth_date", "Bad column mapping entry 'birth_date'"),
        ("full_name=Name", "Column(s) 'Name' not in manifest.csv; its columns are: 'No', 'Nama'"),
        ("sex=JK", "names no identifying field"),
    ],
)
def test_a_bad_mapping_is_refused(manifest, tmp_path, columns, message):
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("--input", str(manifest), "--columns", columns, "--output", str(output))
    assert not output.exists()


def test_unreadable_dates_are_listed_by_line_and_nothing_is_written(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(
        "Nama,Tgl Lahir\nSiti Aminah,31/02/1990\nSity Aminah,1990-03-12\nBudi,kemarin\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError) as error:
        run("--input", str(source), "--columns", "full_name=Nama,birth_date=Tgl Lahir",
            "--output", str(output))  # fmt: skip

    assert "line 2: Tgl Lahir '31/02/1990' is not a date" in str(error.value)
    assert "line 4: Tgl Lahir 'kemarin' is not a date" in str(error.value)
    assert not output.exists()


def test_a_missing_file_and_missing_columns_are_refused(tmp_path):
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError, match="Input file not found"):
        run("--input", str(tmp_path / "nope.csv"), "--columns", "full_name=Nama",
            "--output", str(output))  # fmt: skip
    with pytest.raises(CommandError, match="--input needs --columns"):
        run("--input", str(tmp_path / "nope.csv"), "--output", str(output))
    with pytest.raises(CommandError, match="between 0 and 1"):
        run("--output", str(output), "--threshold", "80")


@pytest.mark.django_db
def test_the_registry_is_deduplicated_by_person_id_and_the_export_audited(tmp_path):
    first = PersonFactory(
        full_name="Siti Aminah binti Abdullah", sex="F", birth_date=date(1990, 3, 12),
        nik="3525015203900003",
    )  # fmt: skip
    again = PersonFactory(
        full_name="Sity Aminah", sex="F", birth_date=date(1990, 12, 3), nik="3525015203900003"
    )
    PersonFactory(full_name="Wayan Suparta", sex="M", birth_date=date(1984, 7, 17))
    output = tmp_path / "pairs.csv"

    run("--output", str(output))

    [row] = read(output)
    assert {row["id_l"], row["id_r"]} == {str(first.pk), str(again.pk)}
    assert row["cluster_id"] == "1"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "1 pairs of 3 persons" in event.summary
