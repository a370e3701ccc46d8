from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pulang.api.models import ApiToken
from pulang.api.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Issue or revoke an API token for a partner system's service account."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Issue a token (printed once)")
        create.add_argument("--user", required=True, help="Username of the service account")
        create.add_argument("--name", required=True, help="Which system uses it")
        create.add_argument("--days", type=int, default=365, help="Validity; 0 = no expiry")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id (pul_<id>_…)")
        revoke.add_argument("key_id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "create":
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
            try:
                token = api_token_create(
                    actor=None, user=user, name=options["name"], days=options["days"] or None
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(token)
            return
        record = ApiToken.objects.filter(key_id=options["key_id"]).first()
        if record is None:
            raise CommandError("No such token.")
        api_token_revoke(actor=None, token=record)
        self.stdout.write(self.style.SUCCESS("Revoked."))
