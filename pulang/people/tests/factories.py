import factory

from pulang.agencies.tests.factories import AgencyFactory
from pulang.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name", locale="id_ID")
    sex = Person.Sex.FEMALE
    registered_by = factory.SubFactory(AgencyFactory)
