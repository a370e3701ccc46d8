"""Indexes for finding registry candidates of a new person (pulang/matching/candidates.py).

On PostgreSQL a trigram index on the name key makes "similar name" a GIN index lookup.
On every database, plain indexes make the exact lookups on the family card and phone numbers
index lookups too (NIK and travel document already have theirs).
"""

from django.db import migrations

EXACT_COLUMNS = ("family_card_number", "phone_id", "phone_my", "kin_phone")


def create(apps, schema_editor):
    for column in EXACT_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS matching_person_{column} ON people_person ({column})"
        )
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS matching_person_name_key_trgm "
        "ON people_person USING gin (name_key gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    for column in EXACT_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS matching_person_{column}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS matching_person_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_aliases_person_birth_place_and_more")]
    operations = [migrations.RunPython(create, drop)]
