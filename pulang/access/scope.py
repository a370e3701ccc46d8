"""The scoping chokepoint: the one place that decides which records a user may see.

Every list, detail, search, export and API call reaches people through
`Person.objects.visible_to(user)`, which calls `person_scope` here. A record outside the scope
is answered exactly as one that does not exist.
"""

from collections.abc import Iterable
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
    return agreement_categories_of(user, [person_id])[person_id]


def agreement_categories_of(
    user: "User | Any", person_ids: Iterable[int]
) -> dict[int, frozenset[str] | None]:
    """`agreement_categories` for many people at once, in at most three queries: a list of
    referrals or follow-ups asks this once, not once per row."""
    wanted = set(person_ids)
    agency_id = naming_agency(user)
    if agency_id is None:
        return dict.fromkeys(wanted, frozenset())
    from pulang.cases.models import Case
    from pulang.people.models import Person

    from .models import AccessGrant

    result: dict[int, frozenset[str] | None] = {}
    if wanted:
        held = set(
            Person.objects.filter(pk__in=wanted, registered_by_id=agency_id).values_list(
                "pk", flat=True
            )
        )
        if wanted - held:
            held |= set(
                Case.objects.filter(
                    person_id__in=wanted - held, owning_agency_id=agency_id
                ).values_list("person_id", flat=True)
            )
        result = dict.fromkeys(held)
    rest = wanted - set(result)
    categories: dict[int, set[str] | None] = {person_id: set() for person_id in rest}
    if rest:
        grants = (
            AccessGrant.objects.live()
            .filter(agency_id=agency_id, person_id__in=rest)
            .select_related("agreement")
        )
        for grant in grants:
            seen = categories[grant.person_id]
            if grant.agreement is None or seen is None:
                categories[grant.person_id] = None
            else:
                seen |= set(grant.agreement.categories)
    for person_id, found in categories.items():
        result[person_id] = None if found is None else frozenset(found)
    return result
