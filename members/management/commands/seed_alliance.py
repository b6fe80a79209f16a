from django.core.management.base import BaseCommand
from django.db import transaction

from members.alliance import ORGANISATIONS
from members.services import organisation_update_or_create


class Command(BaseCommand):
    help = "Create or update the 17 alliance members and the coordinator. Never deletes anything."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for data in ORGANISATIONS:
            data = dict(data)
            name = data.pop("name")
            organisation, was_created = organisation_update_or_create(name=name, **data)
            created += was_created
        members = sum(1 for d in ORGANISATIONS if d["is_member"])
        self.stdout.write(
            self.style.SUCCESS(f"Alliance ready: {members} members and the coordinator ({created} new).")
        )
