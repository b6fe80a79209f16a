from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.history import history_file, meeting_history_rows


class Command(BaseCommand):
    help = (
        "Export held and cancelled meetings with their attendance as CSV or XLSX, in the format that "
        "import_history reads (one row per person per meeting)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this year (default: all years)")
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="file format (default: from the file name's extension, else csv)",
        )
        parser.add_argument(
            "-o", "--output", help="file to write; without it (or with -) CSV goes to standard output"
        )
        parser.add_argument(
            "--german-headers",
            action="store_true",
            help="German column names and words (Datum, anwesend: ja/nein), semicolons in CSV",
        )

    def handle(self, *args, **options):
        output = options["output"] if options["output"] not in (None, "-") else None
        file_format = options["format"]
        if file_format is None:
            file_format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        if file_format == "xlsx" and output is None:
            raise CommandError(_("An XLSX file cannot go to standard output; name a file with -o."))
        rows = meeting_history_rows(year=options["year"])
        data = history_file(rows, file_format=file_format, german=options["german_headers"])
        if output is None:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        try:
            Path(output).write_bytes(data)
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be written: %(error)s")
                % {"path": output, "error": error.strerror}
            ) from error
        meetings = len({(row["date"], row["start"], row["title"]) for row in rows})
        self.stdout.write(
            _("Written to %(path)s: %(rows)s of %(meetings)s.")
            % {
                "path": output,
                "rows": ngettext("%(count)d row", "%(count)d rows", len(rows)) % {"count": len(rows)},
                "meetings": ngettext("%(count)d meeting", "%(count)d meetings", meetings)
                % {"count": meetings},
            }
        )
