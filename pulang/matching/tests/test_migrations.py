"""Migration `matching.0008` keeps the known words, once each, and drops their per-person keys."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: tuple[str, str] | None) -> object:
    """Migrate to `target` (None: every app's latest); the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = [target] if target else executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_known_words_move_from_the_block_keys_to_a_row_each():
    old = migrate(("matching", "0007_derived_rows_without_constraint"))
    try:
        Agency = old.get_model("agencies", "Agency")
        Person = old.get_model("people", "Person")
        BlockKey = old.get_model("matching", "BlockKey")
        agency = Agency.objects.create(code="m8", name="M8", kind="shelter_operator")
        siti = Person.objects.create(full_name="Siti Aminah", sex="F", registered_by=agency)
        sri = Person.objects.create(full_name="Sri Aminah", sex="F", registered_by=agency)
        for person, words in ((siti, ["amnh", "st"]), (sri, ["amnh", "sr"])):
            BlockKey.objects.create(person_id=person.pk, key=f"p:{' '.join(words)}")
            for word in words:
                BlockKey.objects.create(person_id=person.pk, key=f"k:{word}")

        new = migrate(("matching", "0008_known_name_words"))

        NameWord = new.get_model("matching", "NameWord")
        assert sorted(NameWord.objects.values_list("word", flat=True)) == ["amnh", "sr", "st"]
        left = new.get_model("matching", "BlockKey").objects.values_list("key", flat=True)
        assert sorted(left) == ["p:amnh sr", "p:amnh st"]
    finally:
        migrate(None)
