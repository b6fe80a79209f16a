from django.core.management.base import BaseCommand

from controlling.figures_cache import figures_changed


class Command(BaseCommand):
    help = (
        "Make the cached figures of the dashboard and the controlling pages old, after data was "
        "changed outside the app (a restore, SQL by hand); otherwise they show within an hour."
    )

    def handle(self, *args, **options):
        figures_changed()
        self.stdout.write("The cached figures will be computed again on the next visit.")
