from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.history import HistoryImportError, meeting_history_import
from members.models import User


class Command(BaseCommand):
    help = (
        "Import past meetings and their attendance from a CSV or XLSX file (one row per person per "
        "meeting; the format is described in meetings/history.py). The whole file is checked first: "
        "if any row is wrong, every problem is listed with its line number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (comma or semicolon; UTF-8 or Windows-1252) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
        parser.add_argument(
            "--by", metavar="EMAIL", help="the person recorded as having imported the data (optional)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        by = None
        if options["by"]:
            by = User.objects.filter(email__iexact=options["by"]).first()
            if by is None:
                raise CommandError(_("Nobody has the e-mail address %(email)s.") % {"email": options["by"]})
        try:
            plan = meeting_history_import(data=data, by=by, dry_run=options["dry_run"])
        except HistoryImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            count = len(error.problems)
            raise CommandError(
                ngettext(
                    "%(count)d problem found; nothing was imported.",
                    "%(count)d problems found; nothing was imported.",
                    count,
                )
                % {"count": count}
            ) from error
        self.stdout.write(self.style.SUCCESS(str(plan.summary)))
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
