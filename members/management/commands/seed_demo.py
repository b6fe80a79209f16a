from django.core import mail
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string

# Each app that brings demo data adds its seeder; they run in this order.
DEMO_SEEDERS = [
    "members.demo.seed",
    "meetings.demo.seed",
    "projects.demo.seed",
    "surveys.demo.seed",
    "controlling.demo.seed",
]
# The demo's invitations go to .example addresses; printing them (the console backend of `make run`)
# would bury the demo logins under thousands of lines. They are kept in memory instead and recorded
# as sent in the delivery log, as real ones would be.
QUIET_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load the real alliance (seed_alliance) plus demo people, meetings and projects."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-emails",
            action="store_true",
            help="send the demo e-mails through the configured backend instead of keeping them quiet",
        )

    def handle(self, *args, **options):
        call_command("seed_alliance", stdout=self.stdout)
        logins = []
        quiet = {} if options["print_emails"] else {"EMAIL_BACKEND": QUIET_EMAIL_BACKEND}
        with override_settings(**quiet):
            before = len(getattr(mail, "outbox", []))
            # E-mails are sent when the transaction commits, so the override spans the commit.
            with transaction.atomic():
                for dotted in DEMO_SEEDERS:
                    logins.extend(import_string(dotted)(stdout=self.stdout) or [])
            quietly_sent = len(getattr(mail, "outbox", [])) - before
        if quiet and quietly_sent:
            self.stdout.write(
                f"{quietly_sent} demo e-mails sent quietly (see each meeting's delivery log; "
                "--print-emails shows them)."
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<45} {email:<45} {password}")
