"""The scoping chokepoint: the one place that decides which records a user may see.

Every list, detail, search, export and API call reaches people through
`Person.objects.visible_to(user)`, which calls `person_scope` here. A record outside the scope
is answered exactly as one that does not exist.
"""

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from .roles import Capability

if TYPE_CHECKING:
    from pulang.accounts.models import User


def naming_agency(user: "User | Any") -> int | None:
    """The agency through which this user may see people by name, or None."""
    if not getattr(user, "is_authenticated", False) or not user.agency_id:
        return None
    if not user.has_capability(Capability.PERSON_VIEW):
        return None
    return int(user.agency_id)


def _granted_people(agency_id: int) -> Any:
    from .models import AccessGrant

    return AccessGrant.objects.live().filter(agency_id=agency_id).values("person_id")


def person_scope(user: "User | Any") -> Q | None:
    """The filter on Person for this user, or None when the user may see no one by name."""
    agency_id = naming_agency(user)
    if agency_id is None:
        return None
    return (
        Q(registered_by_id=agency_id)
        | Q(pk__in=_owned_case_people(agency_id))
        | Q(pk__in=_granted_people(agency_id))
    )


def case_scope(user: "User | Any") -> Q | None:
    """Cases owned by the user's agency, or of a person opened to it by a live grant."""
    agency_id = naming_agency(user)
    if agency_id is None:
        return None
    return Q(owning_agency_id=agency_id) | Q(person_id__in=_granted_people(agency_id))


def shelter_scope(user: "User | Any") -> Q | None:
    """Shelters run by the user's agency: their boards name the residents."""
    agency_id = naming_agency(user)
    if agency_id is None:
        return None
    return Q(agency_id=agency_id)


def _owned_case_people(agency_id: int) -> Any:
    from pulang.cases.models import Case

    return Case.objects.filter(owning_agency_id=agency_id).values("person_id")


def agreement_categories(user: "User | Any", person_id: int) -> frozenset[str] | None:
    """The categories of a person's data this user may see when the only way to the person is
    an agreement (a referral): exactly the agreement's. None when the user's agency holds the
    person itself (registered them, owns a case) or through a handover, which limit nothing."""
    agency_id = naming_agency(user)
    if agency_id is None:
        return frozenset()
    from pulang.cases.models import Case
    from pulang.people.models import Person

    from .models import AccessGrant

    if (
        Person.objects.filter(pk=person_id, registered_by_id=agency_id).exists()
        or Case.objects.filter(person_id=person_id, owning_agency_id=agency_id).exists()
    ):
        return None
    grants = list(
        AccessGrant.objects.live()
        .filter(agency_id=agency_id, person_id=person_id)
        .select_related("agreement")
    )
    if any(grant.agreement is None for grant in grants):
        return None
    categories: set[str] = set()
    for grant in grants:
        if grant.agreement is not None:
            categories |= set(grant.agreement.categories)
    return frozenset(categories)


def agreement_categories_many(
    user: "User | Any", person_ids: "list[int]"
) -> dict[int, frozenset[str] | None]:
    """`agreement_categories` for many people in three queries: what a list or an export of
    hundreds of rows asks per row."""
    agency_id = naming_agency(user)
    if agency_id is None:
        return dict.fromkeys(person_ids, frozenset())
    from pulang.cases.models import Case
    from pulang.people.models import Person

    from .models import AccessGrant

    held = set(
        Person.objects.filter(pk__in=person_ids, registered_by_id=agency_id).values_list(
            "pk", flat=True
        )
    ) | set(
        Case.objects.filter(person_id__in=person_ids, owning_agency_id=agency_id).values_list(
            "person_id", flat=True
        )
    )
    open_to_all: set[int] = set()
    categories: dict[int, set[str]] = {}
    grants = (
        AccessGrant.objects.live()
        .filter(agency_id=agency_id, person_id__in=set(person_ids) - held)
        .select_related("agreement")
    )
    for grant in grants:
        if grant.agreement is None:
            open_to_all.add(grant.person_id)
        else:
            categories.setdefault(grant.person_id, set()).update(grant.agreement.categories)
    return {
        pk: None if pk in held or pk in open_to_all else frozenset(categories.get(pk, frozenset()))
        for pk in person_ids
    }
