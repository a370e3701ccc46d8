from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheltersConfig(AppConfig):
    name = "pulang.shelters"
    verbose_name = _("Kehidupan di shelter")
