"""The name key gains the words of a person's other names (`person_name_key`), so that a
search finds a person by the spelling of an earlier list."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from pulang.people.models import person_name_key

    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.exclude(aliases=[]).only("id", "full_name", "aliases").iterator(
        chunk_size=2000
    ):
        person.name_key = person_name_key(person.full_name, person.aliases)
        changed.append(person)
        if len(changed) >= 2000:
            Person.objects.bulk_update(changed, ["name_key"])
            changed = []
    Person.objects.bulk_update(changed, ["name_key"])


def backwards(apps: Any, schema_editor: Any) -> None:
    from pulang.people.models import name_key

    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.exclude(aliases=[]).only("id", "full_name").iterator():
        person.name_key = name_key(person.full_name)
        changed.append(person)
    Person.objects.bulk_update(changed, ["name_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_covering_name_order")]

    operations = [migrations.RunPython(forwards, backwards)]
