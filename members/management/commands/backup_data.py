from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.backup import BackupError, backup_write, default_backup_name


class Command(BaseCommand):
    help = (
        "Write a portable backup (tar.gz) of all data of the app and the uploaded files it refers to. "
        "Restore it with `restore_data FILE` into an empty, migrated database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="The archive to write (default: regionalbuendnis-<date>.tar.gz here)."
        )

    def handle(self, *args, **options):
        path = Path(options["output"] or default_backup_name())
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        try:
            summary = backup_write(path=path)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        for name in summary.missing_files:
            self.stderr.write(self.style.WARNING(f"Missing in the media folder, not in the backup: {name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}: {sum(summary.rows.values())} rows of {len(summary.rows)} models, "
                f"{len(summary.files)} files. It contains personal data: keep it safe."
            )
        )
