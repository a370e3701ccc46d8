from bench.machine import machine_reference, reference_line
from bench.national import table


def test_the_reference_is_measured_and_named_in_the_table():
    reference = machine_reference(loop=300_000)  # no database: the interpreter's only
    assert reference["python_s"] > 0
    result = {
        "date": "2026-11-30T01:00:00+00:00",
        "database": "PostgreSQL 15",
        "persons": 1000,
        "scale": {"counts": {"cases": 1200}},
        "rounds": 3,
        "machine": {
            **reference,
            "postgresql_s": 0.5,
            "shared_buffers": "128MB",
            "autovacuum": "on",
        },
        "figures": [],
    }
    text = table(result)
    assert f"Python reference loop {reference['python_s']} s" in text
    assert "PostgreSQL reference query 0.5 s, shared_buffers 128MB, autovacuum on" in text


def test_a_table_from_before_the_reference_says_so():
    assert reference_line(None) == "Machine reference not recorded."
