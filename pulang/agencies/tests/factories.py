import factory

from pulang.agencies.models import Agency, Shelter


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Instansi Uji {n}")
    kind = Agency.Kind.SHELTER_OPERATOR


class ShelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shelter

    code = factory.Sequence(lambda n: f"shelter-{n}")
    name = factory.Sequence(lambda n: f"Shelter Uji {n}")
    kind = Shelter.Kind.RPTC
    agency = factory.SubFactory(AgencyFactory)
    capacity_men = 10
    capacity_women = 10
    capacity_children = 5
