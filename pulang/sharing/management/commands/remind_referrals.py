"""List referrals waiting longer than PULANG_REFERRAL_REMINDER_DAYS, per receiving agency."""

import json
import logging
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from pulang.sharing.selectors import overdue_referrals

logger = logging.getLogger("pulang.reminders")


class Command(BaseCommand):
    help = (
        "Remind receiving agencies of referrals waiting too long (run daily, e.g. from cron). "
        "Prints one line per referral and logs one event per agency; no names."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        rows: list[dict[str, Any]] = [
            {
                "referral": referral.pk,
                "to_agency": referral.to_agency.code,
                "from_agency": referral.from_agency.code,
                "purpose": referral.purpose,
                "waiting_days": referral.waiting_days(now),
            }
            for referral in overdue_referrals().order_by("to_agency__code", "sent_at")
        ]
        per_agency: dict[str, int] = {}
        for row in rows:
            agency = str(row["to_agency"])
            per_agency[agency] = per_agency.get(agency, 0) + 1
        for agency, count in per_agency.items():
            logger.warning("referrals waiting for %s: %s", agency, count)
        if options["format"] == "json":
            self.stdout.write(json.dumps({"overdue": rows}, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"rujukan #{row['referral']} ke {row['to_agency']} dari {row['from_agency']}: "
                f"menunggu {row['waiting_days']} hari"
            )
        self.stdout.write(f"{len(rows)} rujukan menunggu terlalu lama.")
