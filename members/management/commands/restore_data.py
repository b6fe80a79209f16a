from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from members.backup import BackupError, restore_read


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup_data` into an EMPTY database (run `migrate` first). "
        "Everything is restored in one transaction, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive (tar.gz).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            summary = restore_read(path=path)
        except (BackupError, DeserializationError, DatabaseError, OSError) as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        for name in summary.missing_files:
            self.stderr.write(self.style.WARNING(f"This file was already missing when backed up: {name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(summary.rows.values())} rows of {len(summary.rows)} models "
                f"and {len(summary.files)} files from {path}."
            )
        )
