from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "pulang.matching"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from pulang.people.models import Person

        from .tokens import person_saved

        # Index upkeep, not business logic: the token index must follow every saved name.
        post_save.connect(person_saved, sender=Person, dispatch_uid="matching.index")

    verbose_name = _("Pencocokan orang")
