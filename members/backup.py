"""A portable backup of everything the alliance recorded: one tar.gz with the data and the files.

The archive holds `manifest.json` (format, date, applied migrations, rows per model, files),
`data.json` (Django's JSON serialisation of every model of the project's apps, their change
history included) and `media/<name>` for every file a FileField refers to. It restores on any
database backend into an empty, migrated database, in one transaction.
"""

import datetime
import hashlib
import io
import json
import os
import posixpath
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "regionalbuendnis-backup"
VERSION = 1
BACKUP_APPS = ("members", "meetings", "projects", "surveys", "controlling")
# Groups a person may belong to, and the admin's own change log; both refer to people.
EXTRA_MODELS = ("auth.group", "admin.logentry")
# Created by `migrate` with their own primary keys: referred to by natural key instead.
NATURAL_KEY_MODELS = (ContentType, Permission)


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why and what to do."""


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


class _LosslessEncoder(DjangoJSONEncoder):
    """Keeps microseconds: Django's encoder cuts times to milliseconds, so a restored database
    would differ from the original (and a later backup from the first)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JSONSerializer):
    """Django's JSON, with natural keys only for content types and permissions.

    People are referred to by primary key: their natural key is the e-mail address, which is
    optional (imported and anonymised people have none).
    """

    def _natural(self, field) -> bool:
        return issubclass(field.remote_field.model, NATURAL_KEY_MODELS)

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural(field)
        super().handle_m2m_field(obj, field)


def backed_up_models() -> list[type[models.Model]]:
    """Every model to back up, ordered so that referenced rows come first where possible."""
    chosen = [apps.get_model(label) for label in EXTRA_MODELS]
    for label in BACKUP_APPS:
        if apps.is_installed(label):
            chosen.extend(apps.get_app_config(label).get_models())
    by_app: dict = {}
    for model in chosen:
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(list(by_app.items()), allow_cycles=True)


def _with_m2m_tables(chosen) -> list[type[models.Model]]:
    """The models plus the tables behind their many-to-many fields (rows and id sequences)."""
    through = [
        f.remote_field.through
        for model in chosen
        for f in model._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created
    ]
    return [*chosen, *through]


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _safe_media_name(name: str) -> bool:
    normalised = posixpath.normpath(name)
    return bool(name) and not name.startswith("/") and normalised == name and not name.startswith("..")


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_write(*, path: Path, now=None) -> Summary:
    """Write the archive to `path` (atomically: a half-written backup never carries the name)."""
    now = now or timezone.now()
    summary = Summary()
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".tar.gz", dir=target.parent or ".")
    os.close(handle)
    try:
        # One consistent snapshot, even while people keep working.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with tarfile.open(temporary, "w:gz") as archive:
                _write_archive(archive, summary, now)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return summary


def _write_archive(archive: tarfile.TarFile, summary: Summary, now) -> None:
    mtime = now.timestamp()
    chosen = backed_up_models()
    objects = []
    for model in chosen:
        rows = list(model._base_manager.order_by("pk"))
        summary.rows[model._meta.label_lower] = len(rows)
        objects.extend(rows)
        for file_field in _file_fields(model):
            for row in rows:
                name = getattr(row, file_field.attname).name
                if name:
                    summary.files.append(name)
    data = io.StringIO()
    _Serializer().serialize(objects, stream=data, indent=None, cls=_LosslessEncoder)
    files = {}
    for name in sorted(set(summary.files)):
        if not _safe_media_name(name) or not default_storage.exists(name):
            summary.missing_files.append(name)
            continue
        with default_storage.open(name, "rb") as stored:
            content = stored.read()
        files[name] = hashlib.sha256(content).hexdigest()
        _add_bytes(archive, f"media/{name}", content, mtime)
    summary.files = sorted(files)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.isoformat(),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "rows": summary.rows,
        "files": files,
        "missing_files": summary.missing_files,
    }
    _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode(), mtime)
    _add_bytes(archive, "data.json", data.getvalue().encode(), mtime)


def _read_archive(path: Path) -> tuple[dict, bytes, dict[str, bytes]]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            return _read_members(archive, path)
    except (OSError, EOFError, zlib.error, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path} is not a readable backup archive (tar.gz): {error}") from None


def _read_members(archive: tarfile.TarFile, path: Path) -> tuple[dict, bytes, dict[str, bytes]]:
    """Reads only the entries the manifest names; nothing is ever extracted to disk by its name."""
    members = {member.name: member for member in archive.getmembers()}
    if "manifest.json" not in members or "data.json" not in members:
        raise BackupError(f"{path} is not a backup of this app: manifest.json or data.json is missing.")

    def read(member) -> bytes:
        if not member.isfile():
            raise BackupError(f"Unexpected entry in the backup: {member.name}")
        return archive.extractfile(member).read()

    manifest = json.loads(read(members["manifest.json"]))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{path} is not a backup of this app in format version {VERSION}.")
    data = read(members["data.json"])
    files = {}
    for name, expected_hash in manifest["files"].items():
        if not _safe_media_name(name) or f"media/{name}" not in members:
            raise BackupError(f"The backup lists a file it does not contain safely: {name}")
        content = read(members[f"media/{name}"])
        if hashlib.sha256(content).hexdigest() != expected_hash:
            raise BackupError(f"The file {name} in the backup is damaged (checksum differs).")
        files[name] = content
    return manifest, data, files


def _check_migrations(manifest: dict) -> None:
    applied = _applied_migrations()
    missing = [
        f"{app_label}.{name}"
        for app_label, names in manifest["migrations"].items()
        for name in names
        if name not in applied.get(app_label, [])
    ]
    if missing:
        raise BackupError(
            "The backup comes from a newer version of the app; this database lacks the migrations "
            f"{', '.join(missing)}. Update the app and run `manage.py migrate` first."
        )


def _check_empty(chosen) -> None:
    filled = {model._meta.label_lower: model._base_manager.count() for model in chosen}
    filled = {label: count for label, count in filled.items() if count}
    if filled:
        listed = ", ".join(f"{label}: {count}" for label, count in sorted(filled.items()))
        raise BackupError(
            "The database is not empty, so nothing was restored (restoring never overwrites data). "
            f"Found {listed}. Restore into a new database after `manage.py migrate`."
        )


def _restore_file(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            if stored.read() == content:
                return
        raise BackupError(f"A different file already exists in the media folder: {name}")
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        raise BackupError(f"The media storage stored {name} under another name ({saved}).")


def restore_read(*, path: Path) -> Summary:
    """Restore the archive into an empty database: all of it, or (on any error) nothing."""
    manifest, data, files = _read_archive(Path(path))
    _check_migrations(manifest)
    chosen = backed_up_models()
    summary = Summary()
    with transaction.atomic():
        _check_empty(_with_m2m_tables(chosen))
        with connection.constraint_checks_disabled():
            for deserialized in serializers.deserialize("json", data, ignorenonexistent=False):
                deserialized.save(force_insert=True)
                label = deserialized.object._meta.label_lower
                summary.rows[label] = summary.rows.get(label, 0) + 1
        connection.check_constraints(table_names=[model._meta.db_table for model in chosen])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), _with_m2m_tables(chosen)):
                cursor.execute(statement)
        for name, content in sorted(files.items()):
            _restore_file(name, content)
            summary.files.append(name)
    summary.missing_files = list(manifest.get("missing_files", []))
    return summary


def default_backup_name(now=None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"regionalbuendnis-{now:%Y-%m-%d-%H%M}.tar.gz"
