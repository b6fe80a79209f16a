from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from controlling import outputs, selectors


class Command(BaseCommand):
    help = (
        "Write the controlling report of a year as PDF, JSON or CSV. A frozen (final) report is "
        "written as it was frozen unless --live is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", dest="output_format", choices=["pdf", "json", "csv"], default="json")
        parser.add_argument("-o", "--output", help="file to write; JSON and CSV go to stdout without it")
        parser.add_argument("--lang", choices=outputs.LANGUAGES, default=settings.LANGUAGE_CODE)
        parser.add_argument("--live", action="store_true", help="current figures even if the year is frozen")

    def handle(self, *args, year, output_format, output, lang, live, **options):
        if year not in selectors.available_years():
            raise CommandError(f"No report for {year}: years {selectors.available_years()[0]} to next year.")
        if output_format == "pdf" and not output:
            raise CommandError("A PDF needs a file: -o report.pdf")
        frozen = None if live else selectors.frozen_report(year=year)
        report = frozen.snapshot if frozen else selectors.controlling_report(year=year, language=lang)
        if output_format == "pdf":
            content = frozen.pdf(lang) if frozen else outputs.report_pdf(report, language=lang)
        elif output_format == "csv":
            content = outputs.report_csv(report)
        else:
            content = outputs.report_json(report)
        if output is None:
            self.stdout.write(content, ending="" if content.endswith("\n") else "\n")
            return
        path = Path(output)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            # With a byte-order mark, spreadsheet programs read the umlauts of a CSV correctly.
            path.write_text(content, encoding="utf-8-sig" if output_format == "csv" else "utf-8")
        state = "final" if frozen else "current figures"
        self.stdout.write(self.style.SUCCESS(f"Report {year} ({state}, {output_format}) written to {path}"))
