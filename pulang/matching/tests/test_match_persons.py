"""`pulang match-persons`: pairs and clusters from a CSV file or the registry, clear errors."""

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pulang.audit.models import AuditEvent
from pulang.people.tests.factories import PersonFactory
from pulang.regions.tests.factories import regions

# The origin column is read against the region list, from the database.
pytestmark = pytest.mark.django_db

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
    assert ids <= {f"baris {n}" for n in range(2, 9)}, "named by their line in the file"
    assert {"baris 2", "baris 3"} <= ids


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("full_name=Nama,birthday=Tgl Lahir", "Field “birthday” tidak dikenal"),
        ("full_name=Nama,birth_date", "Pemetaan kolom “birth_date” tidak terbaca"),
        ("full_name=Name", "Kolom “Name” tidak ada di manifest.csv (dibaca dengan titik koma"),
        ("sex=JK", "tidak menyebut satu pun field pengenal"),
        ("full_name=Nama;birth_date=Tgl Lahir", "lebih dari satu field; pisahkan dengan koma"),
    ],
)
def test_a_bad_mapping_is_refused(manifest, tmp_path, columns, message):
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("--input", str(manifest), "--columns", columns, "--output", str(output))
    assert not output.exists()


def test_unreadable_dates_are_left_out_and_listed_by_line(tmp_path, capsys):
    """One impossible date (FEBRL has a few) does not stop a registry's deduplication."""
    source = tmp_path / "bad.csv"
    source.write_text(
        "Nama,JK,Tgl Lahir\nSiti Aminah,P,31/02/1990\nSiti Aminah,P,1990-03-12\n"
        "Budi,L,kemarin\nBudi,L,2090-01-01\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    run("--input", str(source), "--columns", "full_name=Nama,sex=JK,birth_date=Tgl Lahir",
        "--output", str(output))  # fmt: skip

    said = capsys.readouterr().err
    assert "3 tanggal lahir tidak terbaca" in said
    assert "baris 2: “31/02/1990”" in said and "baris 4: “kemarin”" in said
    assert "baris 5: “2090-01-01”" in said, "no one is born in the future"
    assert read(output) is not None


def test_lists_as_other_registries_keep_them(tmp_path):
    """FEBRL's shape: given name and surname apart, yyyymmdd dates; Windows-1252 text with
    semicolons and blank lines; "Pria" for a man; accents as some write them and some not."""
    source = tmp_path / "registry.csv"
    source.write_bytes(
        "rec_id;given_name;surname;sex;date_of_birth\n\n"
        "rec-1-org;José;Suárez;Pria;19900312\n"
        "rec-1-dup-0;Jose;Suarez;Laki-laki;19900312\n\n"
        "rec-2-org;Wati;Sulastri Ñ;P;19851103\n".encode("cp1252")
    )
    output = tmp_path / "pairs.csv"

    run("--input", str(source), "--columns",
        "id=rec_id,full_name=given_name+surname,sex=sex,birth_date=date_of_birth",
        "--output", str(output))  # fmt: skip

    pairs = {frozenset((row["id_l"], row["id_r"])) for row in read(output)}
    assert pairs == {frozenset({"rec-1-org", "rec-1-dup-0"})}


@pytest.mark.parametrize(
    ("written", "sex"),
    [("Pria", "M"), ("Laki-laki", "M"), ("L", "M"), ("Perempuan", "F"), ("W", "F")],
)
def test_sex_as_lists_write_it(written, sex):
    from pulang.matching.records import normalize_sex

    assert normalize_sex(written) == sex


def test_ids_that_repeat_or_are_blank_are_refused_by_line(tmp_path):
    source = tmp_path / "ids.csv"
    source.write_text("id,nama,tgl\nX1,Siti,1990\nX1,Sity,1990\n,Budi,1980\n", encoding="utf-8")
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError) as error:
        run("--input", str(source), "--columns", "id=id,full_name=nama,birth_date=tgl",
            "--output", str(output))  # fmt: skip

    assert "baris 3: id “X1” juga ada di baris 2" in str(error.value)
    assert "baris 4: kolom id “id” kosong" in str(error.value)
    assert not output.exists()


def test_ids_that_look_like_formulas_are_written_as_text(tmp_path):
    source = tmp_path / "ids.csv"
    source.write_text(
        'id,nama,tgl\n"=HYPERLINK(""x"")",Siti Aminah,12/03/1990\n+1+1,Siti Aminah,12/03/1990\n',
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    run("--input", str(source), "--columns", "id=id,full_name=nama,birth_date=tgl",
        "--output", str(output))  # fmt: skip

    [pair] = read(output)
    assert {pair["id_l"], pair["id_r"]} == {'\'=HYPERLINK("x")', "'+1+1"}


def test_the_input_is_never_the_output(manifest):
    with pytest.raises(CommandError, match="--output adalah berkas masukan"):
        run("--input", str(manifest), "--columns", COLUMNS, "--output", str(manifest))
    assert manifest.read_text(encoding="utf-8") == MANIFEST


def test_a_workbook_and_a_file_of_headers_only_are_refused_saying_what_to_do(tmp_path):
    """A worker hands over the .xlsx itself, or a CSV with the header and no rows: each is
    told what is wrong, and no pairs file claims a run that read no one."""
    from openpyxl import Workbook

    output = tmp_path / "pairs.csv"
    book = Workbook()
    book.active.append(["Nama", "Tgl Lahir"])
    book.active.append(["Siti Aminah", "12/03/1990"])
    book.save(tmp_path / "data.xlsx")
    with pytest.raises(CommandError, match="buku kerja Excel; match-persons membaca CSV"):
        run("--input", str(tmp_path / "data.xlsx"), "--columns", "full_name=Nama",
            "--output", str(output))  # fmt: skip
    (tmp_path / "empty.csv").write_text("Nama;Tgl Lahir\n;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="tidak berisi data"):
        run("--input", str(tmp_path / "empty.csv"), "--columns", "full_name=Nama",
            "--output", str(output))  # fmt: skip
    assert not output.exists()


def test_a_missing_file_and_missing_columns_are_refused(tmp_path):
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError, match="Berkas masukan tidak ditemukan"):
        run("--input", str(tmp_path / "nope.csv"), "--columns", "full_name=Nama",
            "--output", str(output))  # fmt: skip
    with pytest.raises(CommandError, match="--input memerlukan --columns"):
        run("--input", str(tmp_path / "nope.csv"), "--output", str(output))
    with pytest.raises(CommandError, match="di antara 0 dan 1"):
        run("--output", str(output), "--threshold", "80")


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


def test_a_column_name_the_header_repeats_is_refused_then_chosen_by_its_place(tmp_path):
    """A list with "Nama" for the person and again for the father, "No HP" for them and for
    their kin: the mapping must say which, instead of one being read silently."""
    source = tmp_path / "repeated.csv"
    source.write_text(
        "No,Nama,Nama,Tgl Lahir,No HP,No HP,JK\n"
        "1,Siti Aminah,Abdullah,12/03/1990,081234567890,081111111111,P\n"
        "2,Sity Aminah,Ahmad,12/03/1990,081234567890,082222222222,P\n"
        "3,Nur Hasanah,Abdullah,02/08/1995,083333333333,081111111111,P\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError, match=r"“Nama” ada 2 kali .* Nama#1, Nama#2"):
        run("--input", str(source), "--columns", "id=No,full_name=Nama,birth_date=Tgl Lahir",
            "--output", str(output))  # fmt: skip
    run("--input", str(source), "--columns", "id=No,full_name=Nama#1,birth_date=Tgl Lahir,"
        "sex=JK,phones=No HP#1,kin_phone=No HP#2", "--output", str(output))  # fmt: skip

    assert [(row["id_l"], row["id_r"]) for row in read(output)] == [("1", "2")]


def test_a_list_of_names_and_birth_years_without_sex_still_finds_pairs(tmp_path):
    """Only names and years (no sex column): pairs are sought by name and year without it."""
    source = tmp_path / "names.csv"
    source.write_text(
        "nama,tahun_lahir\nSiti Aminah binti Abdullah,1990\nSiti Aminah binti Abdullah,1990\n"
        "Wayan Suparta,1984\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    run("--input", str(source), "--columns", "full_name=nama,birth_date=tahun_lahir",
        "--output", str(output))  # fmt: skip

    assert [(row["id_l"], row["id_r"]) for row in read(output)] == [("baris 2", "baris 3")]


def test_numbers_excel_shortened_are_not_read_as_one_number(tmp_path, capsys):
    """Two women from one district whose NIKs Excel wrote as 3.52501E+15: the same text, not
    the same person."""
    source = tmp_path / "excel.csv"
    source.write_text(
        "No;Nama;JK;Tgl Lahir;NIK;HP\n"
        "1;Siti Aminah;P;12/03/1990;3.52501E+15;8.12346E+11\n"
        "2;Sri Wahyuni;P;12/03/1990;3.52501E+15;8.12346E+11\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    run("--input", str(source), "--columns", "id=No,full_name=Nama,sex=JK,"
        "birth_date=Tgl Lahir,nik=NIK,phones=HP", "--output", str(output))  # fmt: skip

    assert read(output) == []
    said = capsys.readouterr().err
    assert "4 nomor ditulis Excel sebagai angka yang disingkat" in said
    assert "baris 2, NIK: “3.52501E+15”" in said


def test_a_long_scoring_says_it_is_still_working(manifest, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("pulang.matching.dedupe.HEARTBEAT_SECONDS", 0.001)

    run("--input", str(manifest), "--columns", COLUMNS, "--output", str(tmp_path / "p.csv"))

    assert "masih menilai pasangan…" in capsys.readouterr().err


def test_a_common_name_agrees_on_less_than_a_rare_one(tmp_path, monkeypatch):
    """Forty women named Rina from one regency, born the same year, are forty people; two
    records of Kartini Wulandari Situmorang with the same year and regency are one. Without
    weighing how common a name is, the Rinas paired with each other at 0.8. (A registry
    weighs names from 50,000 records on; this small file stands for one.)"""
    from pulang.matching import dedupe

    monkeypatch.setattr(dedupe, "NAME_FREQUENCIES_FROM", 50)
    rows = ["No;Nama;JK;Tgl Lahir;Asal"]
    rows += [f"R{i};Rina;P;{1 + i % 28:02d}/{1 + i % 12:02d}/1990;35.25" for i in range(40)]
    rows += [f"W{i};Wati;P;{1 + i % 28:02d}/{1 + (i + 5) % 12:02d}/1991;35.26" for i in range(40)]
    rows += ["K1;Kartini Wulandari Situmorang;P;03/04/1990;35.25"]
    rows += ["K2;Kartini Wulandari Situmorang;P;1990;35.25"]
    source = tmp_path / "lists.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    output = tmp_path / "pairs.csv"
    run("--input", str(source), "--columns",
        "id=No,full_name=Nama,sex=JK,birth_date=Tgl Lahir,origin_region_code=Asal",
        "--output", str(output), "--threshold", "0.8")  # fmt: skip
    pairs = {(row["id_l"], row["id_r"]) for row in read(output)}
    assert ("K1", "K2") in pairs
    assert not [pair for pair in pairs if pair[0][0] in "RW"], sorted(pairs)[:5]


# One person each, listed twice: once with the home town as a name, once as a code.
HOME_TOWNS = """\
No;Nama;JK;Tgl Lahir;Asal
A1;Siti Aminah;P;12/03/1990;{a1}
A2;Siti Aminah;P;1990;{a2}
B1;Muhammad Rizki;L;05/11/1988;{b1}
B2;Muhammad Rizky;L;1988;{b2}
C1;Wayan Suparta;L;17/07/1984;{c1}
C2;Wayan Suparta;L;1984;{c2}
D1;Dewi Lestari;P;02/08/1995;{d1}
D2;Dewi Lestari;P;1995;{d2}
"""
AS_CODES = {
    "a1": "32.12", "a2": "32.12", "b1": "52.03", "b2": "52.03",
    "c1": "35.78", "c2": "35.78", "d1": "32", "d2": "32",
}  # fmt: skip
AS_NAMES = {
    "a1": "Kab. Indramayu", "a2": "32.12", "b1": "LOTIM", "b2": "Lombok Timur, NTB",
    "c1": "KOTA SURABAYA", "c2": "3578", "d1": "Jawa Barat", "d2": "Prov. Jawa Barat",
}  # fmt: skip


def home_regions() -> None:
    regions(
        ("32", "Jawa Barat"),
        ("32.12", "Kabupaten Indramayu"),
        ("35", "Jawa Timur"),
        ("35.78", "Kota Surabaya"),
        ("52", "Nusa Tenggara Barat"),
        ("52.03", "Kabupaten Lombok Timur"),
    )


def weights(tmp_path: Path, towns: dict[str, str], columns: str) -> dict[tuple[str, str], str]:
    source = tmp_path / "towns.csv"
    source.write_text(HOME_TOWNS.format(**towns), encoding="utf-8")
    output = tmp_path / "pairs.csv"
    run("--input", str(source), "--columns", columns, "--output", str(output),
        "--threshold", "0.01")  # fmt: skip
    return {(row["id_l"], row["id_r"]): row["match_weight"] for row in read(output)}


def test_home_towns_written_as_names_count_as_their_region_codes(tmp_path, capsys):
    """An NGO's list says "Kab. Indramayu", "LOTIM", "KOTA SURABAYA", "Jawa Barat" where a
    registry has 32.12, 52.03, 35.78, 32: read as the manifest import reads them, each pair
    agrees on its home region exactly as if both had the code, and a regency more than
    without it (the model compares regencies: a province alone weighs nothing either way)."""
    home_regions()
    columns = "id=No,full_name=Nama,sex=JK,birth_date=Tgl Lahir"

    by_code = weights(tmp_path, AS_CODES, columns + ",origin_region_code=Asal")
    by_name = weights(tmp_path, AS_NAMES, columns + ",origin_region_code=Asal")
    without = weights(tmp_path, AS_CODES, columns)

    pairs = [("A1", "A2"), ("B1", "B2"), ("C1", "C2"), ("D1", "D2")]
    assert [by_name[pair] for pair in pairs] == [by_code[pair] for pair in pairs]
    assert all(float(by_name[pair]) > float(without[pair]) for pair in pairs[:3])
    said = capsys.readouterr()
    assert "daerah asal" not in said.err and "Tidak dipakai" not in said.out


def test_home_towns_that_name_no_region_are_counted_and_told(tmp_path, capsys):
    """A misspelt regency, an Australian postcode and state (FEBRL's columns) are not a
    region: they are left out, and the run says which, where, and how many."""
    home_regions()
    towns = {**AS_NAMES, "a1": "Lombk Timur", "b1": "4223", "c1": "nsw", "d1": "nsw"}

    by_name = weights(tmp_path, towns, "id=No,full_name=Nama,sex=JK,birth_date=Tgl Lahir,"
                      "origin_region_code=Asal")  # fmt: skip

    said = capsys.readouterr()
    assert "4 daerah asal di kolom “Asal” tidak ditemukan dalam daftar wilayah" in said.err
    assert "“nsw” (2 baris, pertama baris 6); “Lombk Timur” (baris 2); “4223” (baris 4)" in (
        said.err
    )
    assert "Tidak dipakai: 4 daerah asal." in said.out
    assert ("A1", "A2") in by_name, "the rest of the row is still matched"


def test_without_the_region_list_codes_are_read_and_names_said_to_need_it(tmp_path, capsys):
    by_name = weights(tmp_path, AS_NAMES, "id=No,full_name=Nama,sex=JK,birth_date=Tgl Lahir,"
                      "origin_region_code=Asal")  # fmt: skip

    said = capsys.readouterr()
    assert "Daftar wilayah belum dimuat, jadi 6 daerah asal di kolom “Asal”" in said.err
    assert "`pulang load-regions`" in said.err
    assert "Tidak dipakai: 6 daerah asal." in said.out
    assert ("A1", "A2") in by_name


# An NGO's shelter list: age instead of birth date, home town as written, "-" for unknown.
SHELTER = """\
No,Nama,L/P,Umur,Asal
1,Siti Aminah,P,27,Kab. Indramayu
2,SITI AMINAH,P,27 th,Indramayu
3,Nur Hasanah,P,19,Cianjur
4,Nur Hasanah,P,45,Kab Cianjur
5,Rina,P,dewasa,-
6,Ahmad,L,-,Jawa Barat
"""


@pytest.fixture
def shelter(tmp_path: Path) -> Path:
    regions(
        ("32", "Jawa Barat"),
        ("32.03", "Kabupaten Cianjur"),
        ("32.12", "Kabupaten Indramayu"),
    )
    path = tmp_path / "shelter.csv"
    path.write_text(SHELTER, encoding="utf-8")
    return path


def test_an_age_column_is_read_as_an_estimated_birth_year(shelter, tmp_path, capsys):
    """Nur Hasanah, 19, and Nur Hasanah, 45, from Cianjur are a daughter and her mother,
    not one person listed twice; Siti Aminah, 27 and "27 th", is one. An age that says no
    number is told; "-" is no age and no home town, and nothing to tell."""
    output = tmp_path / "pairs.csv"
    without_age = tmp_path / "without.csv"
    columns = "id=No,full_name=Nama,sex=L/P,origin_region_code=Asal"

    run("--input", str(shelter), "--columns", columns, "--output", str(without_age))
    run("--input", str(shelter), "--columns", columns + ",age=Umur", "--output", str(output))

    assert {(row["id_l"], row["id_r"]) for row in read(without_age)} == {("1", "2"), ("3", "4")}
    assert [(row["id_l"], row["id_r"]) for row in read(output)] == [("1", "2")]
    said = capsys.readouterr()
    assert "1 umur tidak terbaca dan tidak dipakai" in said.err
    assert "baris 6: “dewasa”" in said.err
    assert "daerah asal" not in said.err and "“-”" not in said.err
    assert "Tidak dipakai: 1 umur." in said.out


def test_ages_in_the_birth_date_column_are_said_to_be_ages(shelter, tmp_path, capsys):
    run("--input", str(shelter), "--columns", "id=No,full_name=Nama,birth_date=Umur",
        "--output", str(tmp_path / "pairs.csv"))  # fmt: skip

    said = capsys.readouterr().err
    assert "5 tanggal lahir tidak terbaca" in said
    assert "4 di antaranya tampak seperti umur: petakan kolom umur sebagai age=Umur." in said


def test_a_title_above_the_header_is_passed_over_and_a_total_below_shown(tmp_path):
    """Exported from a spreadsheet: a title and a period above the header, a total and a
    signature under the people. The header is found; the lines without an id are refused
    showing what they hold, so that one sees they are not people."""
    source = tmp_path / "shelter.csv"
    source.write_text(
        "DAFTAR PENERIMA MANFAAT SHELTER,,,,\nPeriode Januari 2025,,,,\n,,,,\n"
        + SHELTER
        + ",Jumlah: 6 orang,,,\n,,,Petugas,\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"

    with pytest.raises(CommandError) as error:
        run("--input", str(source), "--columns", "id=No,full_name=Nama,sex=L/P,age=Umur",
            "--output", str(output))  # fmt: skip

    assert "baris 11: kolom id “No” kosong (isi baris: “Jumlah: 6 orang”)" in str(error.value)
    assert "baris 12: kolom id “No” kosong (isi baris: “Petugas”)" in str(error.value)
    run("--input", str(source), "--columns", "full_name=Nama,sex=L/P,age=Umur",
        "--output", str(output))  # fmt: skip
    assert [(row["id_l"], row["id_r"]) for row in read(output)] == [("baris 5", "baris 6")]


def help_text() -> str:
    from pulang.matching.management.commands.match_persons import Command

    return Command().create_parser("pulang", "match_persons").format_help()


def test_the_help_says_what_each_field_holds_and_how_to_map_them():
    """Someone with another organisation's list learns from --help alone which field a
    column goes to: every field on a line of its own with what it holds, in Indonesian."""
    from pulang.matching.dedupe import CSV_FIELDS

    text = help_text()

    for field in CSV_FIELDS:
        assert re.search(rf"^  {field} +\w", text, re.MULTILINE), field
    assert re.search(r"^  phone_id +nomor telepon Indonesia orang itu$", text, re.MULTILINE)
    assert "phones                  nomor telepon orang itu, negara mana pun" in text
    assert "Nama#1 untuk yang pertama,\nNama#2 untuk yang kedua" in text
    assert "full_name=given_name+surname" in text
    assert all(len(line) <= 79 for line in text.splitlines() if "--columns" not in line)


def test_the_help_in_english():
    from django.utils import translation

    with translation.override("en"):
        text = help_text()

    assert re.search(r"^  phone_id +the person's Indonesian phone number$", text, re.MULTILINE)
    assert all(len(line) <= 79 for line in text.splitlines() if "--columns" not in line)


@pytest.mark.parametrize(
    ("header", "rows", "example"),
    [
        (
            "No,Nama,L/P,Umur,Asal",
            ["1,Siti Aminah,P,27,Indramayu", "2,SITI AMINAH,P,27 th,Kab. Indramayu"],
            0,
        ),
        (
            "rec_id, given_name, surname, date_of_birth, soc_sec_id",
            ["rec-1-org, siti, aminah, 19900312, 5304218",
             "rec-1-dup-0, siti, aminh, 19900312, 5304218"],
            1,
        ),
    ],
)  # fmt: skip
def test_each_example_of_the_help_runs_on_a_list_of_its_shape(tmp_path, header, rows, example):
    from pulang.matching.dedupe import MAPPING_EXAMPLES

    mapping = MAPPING_EXAMPLES[example]
    assert f'--columns "{mapping}"' in help_text()
    regions(("32", "Jawa Barat"), ("32.12", "Kabupaten Indramayu"))
    source = tmp_path / "list.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    output = tmp_path / "pairs.csv"

    run("--input", str(source), "--columns", mapping, "--output", str(output))

    assert len(read(output)) == 1


def test_birth_dates_are_read_as_the_manifest_reads_them(tmp_path):
    """A registry exported by another office writes its dates in words, in Malay, or with
    a two-digit year; they were unreadable here though a manifest reads them."""
    source = tmp_path / "daftar.csv"
    source.write_text(
        "id,Nama,Tgl Lahir\n"
        "1,Siti Aminah,12 Agustus 1990\n"
        "2,Siti Aminah,12 Ogos 1990\n"
        "3,Siti Aminah,12/08/1990\n"
        "4,Rahmat,31/02/1990\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"
    run("--input", str(source), "--columns", "id=id,full_name=Nama,birth_date=Tgl Lahir",
        "--output", str(output))  # fmt: skip
    pairs = {
        tuple(sorted((row["id_l"], row["id_r"])))
        for row in csv.DictReader(output.open(encoding="utf-8"))
    }
    assert {("1", "2"), ("1", "3"), ("2", "3")} <= pairs
