from typing import Any

from django.core.management.base import BaseCommand

from pulang.access.permissions_doc import DOC_PATH, permissions_markdown


class Command(BaseCommand):
    help = "Write docs/permissions.md from the roles and capabilities defined in code."

    def handle(self, *args: Any, **options: Any) -> None:
        DOC_PATH.write_text(permissions_markdown(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {DOC_PATH}"))
