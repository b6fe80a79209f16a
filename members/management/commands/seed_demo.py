from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each app that brings demo data adds its seeder; they run in this order.
DEMO_SEEDERS = [
    "members.demo.seed",
    "meetings.demo.seed",
    "projects.demo.seed",
    "surveys.demo.seed",
    "controlling.demo.seed",
]


class Command(BaseCommand):
    help = "Load the real alliance (seed_alliance) plus demo people, meetings and projects."

    def handle(self, *args, **options):
        call_command("seed_alliance", stdout=self.stdout)
        logins = []
        with transaction.atomic():
            for dotted in DEMO_SEEDERS:
                logins.extend(import_string(dotted)(stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<45} {email:<45} {password}")
