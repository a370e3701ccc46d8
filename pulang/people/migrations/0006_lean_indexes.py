"""Fewer indexes on the person table, which every import writes by the ten thousand
(docs/decisions/0014-lean-person-indexes.md): none on the name key (searched through its
trigram index only) and no pattern ("_like") copies; the NIK and travel document indexes
leave out the empty ones, the merged_into one everyone merged into nobody; registered_by is
served by the (registered_by, full_name) index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("people", "0005_person_name_order"),
        ("regions", "0002_trigram_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name="person",
            name="nik",
            field=models.CharField(blank=True, max_length=16, verbose_name="NIK"),
        ),
        # Only the index goes: altering the field would drop and check again the foreign
        # key over the whole registry.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="registered_by",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registered_people",
                        to="agencies.agency",
                        verbose_name="instansi pencatat",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_person_registered_by_id_663a0f75"',
                    'CREATE INDEX IF NOT EXISTS "people_person_registered_by_id_663a0f75" '
                    'ON "people_person" ("registered_by_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_from",
                        to="people.person",
                        verbose_name="digabung ke",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_person_merged_into_id_138bbee4"',
                    'CREATE INDEX IF NOT EXISTS "people_person_merged_into_id_138bbee4" '
                    'ON "people_person" ("merged_into_id")',
                ),
            ],
        ),
        migrations.AlterField(
            model_name="person",
            name="travel_document_number",
            field=models.CharField(
                blank=True, max_length=30, verbose_name="nomor dokumen perjalanan"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("nik", ""), _negated=True), fields=["nik"], name="person_nik"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("travel_document_number", ""), _negated=True),
                fields=["travel_document_number"],
                name="person_travel_document",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="person_merged_into",
            ),
        ),
    ]
