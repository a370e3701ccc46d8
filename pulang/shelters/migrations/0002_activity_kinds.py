"""The kinds of session the ministry's shelters run (the source article names them)."""

from django.db import migrations

KINDS = [
    ("socialization-safe-migration", "Sosialisasi migrasi aman", "socialization"),
    ("sport-morning-exercise", "Senam pagi", "sport"),
    ("sport-badminton", "Bulu tangkis", "sport"),
    ("sport-table-tennis", "Tenis meja", "sport"),
    ("sport-futsal", "Futsal", "sport"),
    ("sport-volleyball", "Bola voli", "sport"),
    ("livelihood-farming", "Bertani", "livelihood"),
    ("livelihood-handicrafts", "Kerajinan tangan", "livelihood"),
    ("livelihood-cooking", "Memasak", "livelihood"),
    ("counselling", "Konseling", "counselling"),
]


def add_kinds(apps, schema_editor):
    ActivityKind = apps.get_model("shelters", "ActivityKind")
    for code, name, group in KINDS:
        ActivityKind.objects.get_or_create(code=code, defaults={"name": name, "group": group})


class Migration(migrations.Migration):
    dependencies = [("shelters", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
