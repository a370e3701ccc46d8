from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "pulang.audit"
    verbose_name = _("Jejak audit")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (login, logout and failed-login events)
