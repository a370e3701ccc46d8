from typing import Any

from rest_framework import serializers

from pulang.access.fields import present
from pulang.people.models import Person
from pulang.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "level", "name", "parent"]


class PersonSerializer(serializers.Serializer):
    """A person as this caller may see them: identity numbers masked unless revealed, health and
    trafficking accounts null for roles that do not work the case."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Person.Sex.choices)
    birth_date = serializers.DateField(allow_null=True)
    origin_region = serializers.CharField(allow_null=True, help_text="Interior-ministry code")
    nik = serializers.CharField(allow_null=True, help_text="Masked unless revealed")
    travel_document = serializers.ChoiceField(choices=Person.TravelDocument.choices)
    travel_document_number = serializers.CharField(allow_null=True)
    health_notes = serializers.CharField(allow_null=True)
    trafficking_account = serializers.CharField(allow_null=True)
    identity_numbers_revealed = serializers.BooleanField()

    def to_representation(self, person: Person) -> dict[str, Any]:
        user = self.context["request"].user
        revealed = bool(self.context.get("revealed"))
        shown = {
            field: present(user, person, field, category, revealed=revealed)
            for field, category in Person.FIELD_CATEGORIES.items()
        }

        def value(field: str) -> str | None:
            item = shown[field]
            return item.value if item.state in {"shown", "masked"} else None

        return {
            "id": person.pk,
            "full_name": person.full_name,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "origin_region": person.origin_region_id,
            "nik": value("nik"),
            "travel_document": person.travel_document,
            "travel_document_number": value("travel_document_number"),
            "health_notes": value("health_notes"),
            "trafficking_account": value("trafficking_account"),
            "identity_numbers_revealed": revealed and shown["nik"].state != "masked",
        }


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    agency = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
