import factory
from django.utils import timezone

from pulang.agencies.tests.factories import AgencyFactory
from pulang.cases.models import Case
from pulang.people.tests.factories import PersonFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    owning_agency = factory.SubFactory(AgencyFactory)
    person = factory.SubFactory(
        PersonFactory, registered_by=factory.SelfAttribute("..owning_agency")
    )
    opened_at = factory.LazyFunction(timezone.now)
