from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrivalsConfig(AppConfig):
    name = "pulang.arrivals"
    verbose_name = _("Kedatangan")
