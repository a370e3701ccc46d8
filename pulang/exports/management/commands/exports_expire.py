"""Remove export files older than PULANG_EXPORT_KEEP_DAYS (run daily, e.g. from cron)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pulang.exports.services import export_files_expire


class Command(BaseCommand):
    help = (
        "Remove the files of list exports written more than PULANG_EXPORT_KEEP_DAYS days ago "
        "(run daily, e.g. from cron); each removal is audited."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = export_files_expire()
        self.stdout.write(
            f"{removed} berkas ekspor dihapus (lebih dari {settings.PULANG_EXPORT_KEEP_DAYS} hari)."
        )
