"""Reads on empowerment: follow-ups due per agency and officer, programmes one may enrol in."""

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pulang.access.http import visible_or_404
from pulang.access.scope import naming_agency
from pulang.cases.models import Case
from pulang.returns.models import HandoverMember

from .models import FollowUp, Programme


def followup_list(*, user: Any) -> QuerySet[FollowUp]:
    agency = naming_agency(user)
    if agency is None:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        agency_id=agency, case__in=Case.objects.visible_to(user)
    ).select_related("case__person", "agency", "enrolment__programme", "assigned_to")


def followups_due(*, user: Any, horizon_days: int = 14) -> dict[str, Any]:
    """Open follow-ups of the user's agency: overdue, due today and in the next two weeks;
    those assigned to the user first."""
    today = timezone.localdate()
    open_ = followup_list(user=user).filter(done_at__isnull=True, cancelled_at__isnull=True)
    upcoming = open_.filter(due_on__lte=today + timedelta(days=horizon_days))
    rows = sorted(upcoming, key=lambda f: (f.assigned_to_id != user.pk, f.due_on, f.pk))
    return {
        "overdue": [f for f in rows if f.due_on < today],
        "due": [f for f in rows if f.due_on >= today],
        "today": today,
    }


# How long people handed over to an office are shown to it as just received.
RECENTLY_RECEIVED_DAYS = 30


def recently_received(*, user: Any) -> list[dict[str, Any]]:
    """People handed over to the user's agency in the last RECENTLY_RECEIVED_DAYS days, newest
    first, with their first open follow-up: the office's next step before any follow-up is
    due. Only cases the user sees."""
    agency = naming_agency(user)
    if agency is None:
        return []
    since = timezone.now() - timedelta(days=RECENTLY_RECEIVED_DAYS)
    members = list(
        HandoverMember.objects.filter(
            handover__receiving_agency_id=agency,
            handover__handed_at__gte=since,
            case__in=Case.objects.visible_to(user),
        )
        .select_related("case__person", "handover__shelter")
        .order_by("-handover__handed_at", "case__person__full_name")[:200]
    )
    first_open: dict[int, FollowUp] = {}
    for followup in (
        followup_list(user=user)
        .filter(
            case_id__in=[m.case_id for m in members],
            done_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("due_on")
    ):
        first_open.setdefault(followup.case_id, followup)
    return [
        {"case": m.case, "handover": m.handover, "next": first_open.get(m.case_id)} for m in members
    ]


def followup_get(*, request: Any, followup_id: Any) -> FollowUp:
    return visible_or_404(request, followup_list(user=request.user), followup_id)


def programmes_for(*, user: Any) -> QuerySet[Programme]:
    agency = naming_agency(user)
    return Programme.objects.filter(Q(agency_id=agency), is_active=True).order_by("name")
