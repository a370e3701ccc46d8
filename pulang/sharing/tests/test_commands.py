import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pulang.sharing.models import Referral
from pulang.sharing.services import consent_record, referral_send

from .helpers import sharing_world

pytestmark = pytest.mark.django_db


def test_remind_referrals_lists_those_waiting_too_long_without_names(capsys):
    world = sharing_world()
    consent_record(
        actor=world.worker,
        person=world.case.person,
        purpose="empowerment",
        basis="consent",
        given_by="Siti",
    )
    referral = referral_send(
        actor=world.worker, case=world.case, to_agency=world.unit, purpose="empowerment"
    )
    call_command("remind_referrals", format="json")
    assert json.loads(capsys.readouterr().out) == {"overdue": []}
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=5))
    call_command("remind_referrals")
    out = capsys.readouterr().out
    assert f"rujukan #{referral.pk} ke bp3mi-ntb" in out and "menunggu 5 hari" in out
    assert "Siti" not in out
