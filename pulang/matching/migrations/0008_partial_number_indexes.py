"""The family card and phone indexes of 0001 leave out the empty numbers, as the NIK and
travel document ones now do (people 0006): most people have no family card number or no
Malaysian phone, and every import wrote an index entry for each empty one. On SQLite,
people 0006 rebuilds the person table, which drops these; they are made here either way."""

from django.db import migrations

COLUMNS = ("family_card_number", "phone_id", "phone_my", "kin_phone")


def partial(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS matching_person_{column}")
        schema_editor.execute(
            f"CREATE INDEX matching_person_{column} ON people_person ({column}) "
            f"WHERE NOT ({column} = '')"
        )


def whole(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS matching_person_{column}")
        schema_editor.execute(
            f"CREATE INDEX matching_person_{column} ON people_person ({column})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_derived_rows_without_constraint"),
        ("people", "0006_lean_indexes"),
    ]
    operations = [migrations.RunPython(partial, whole)]
