from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pulang.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the whole audit trail's hash chain and name the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.broken_event_id}: {report.reason} "
                f"({report.checked} events before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
