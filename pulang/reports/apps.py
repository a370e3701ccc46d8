from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pulang.reports"
    verbose_name = _("Laporan")

    def ready(self) -> None:
        from .rollup import connect

        connect()
