"""Reads on sharing, through the scoping chokepoint: a referral is seen by the agency that
sent it, and by the receiving agency only while the agreement still opens the case to it."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from pulang.access.http import visible_or_404
from pulang.access.scope import naming_agency
from pulang.cases.models import Case

from .models import Consent, Referral


def referral_list(*, user: Any) -> QuerySet[Referral]:
    agency = naming_agency(user)
    if agency is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            Q(from_agency_id=agency)
            | Q(to_agency_id=agency, case__in=Case.objects.visible_to(user))
        )
        .select_related("case__person", "from_agency", "to_agency", "agreement")
        .order_by("-sent_at")
    )


def referral_get(*, request: Any, referral_id: Any) -> Referral:
    return visible_or_404(request, referral_list(user=request.user), referral_id)


def inbox(*, user: Any) -> dict[str, Any]:
    """Referrals to the user's agency waiting for an answer or being worked, and those it sent;
    those waiting longer than PULANG_REFERRAL_REMINDER_DAYS are marked."""
    agency = naming_agency(user)
    referrals = list(referral_list(user=user)[:500])
    now = timezone.now()
    limit = settings.PULANG_REFERRAL_REMINDER_DAYS
    incoming = [r for r in referrals if r.to_agency_id == agency]
    for referral in referrals:
        referral.overdue = (  # type: ignore[attr-defined]
            referral.status == Referral.Status.SENT and referral.waiting_days(now) > limit
        )
    return {
        "waiting": [r for r in incoming if r.status == Referral.Status.SENT],
        "active": [r for r in incoming if r.status == Referral.Status.ACCEPTED],
        "sent": [r for r in referrals if r.from_agency_id == agency][:100],
        "limit": limit,
    }


def consent_get(*, request: Any, consent_id: Any) -> Consent:
    visible = Consent.objects.filter(
        person__in=Case.objects.visible_to(request.user).values("person_id")
    )
    return visible_or_404(request, visible.select_related("person"), consent_id)


def overdue_referrals() -> QuerySet[Referral]:
    """Every referral waiting longer than the reminder limit, for `pulang remind`."""
    since = timezone.now() - timedelta(days=settings.PULANG_REFERRAL_REMINDER_DAYS)
    return Referral.objects.filter(status=Referral.Status.SENT, sent_at__lt=since).select_related(
        "to_agency", "from_agency"
    )
