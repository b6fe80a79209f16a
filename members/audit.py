"""The change history across the app ("Änderungsverlauf"): who changed what, when.

Reads django-simple-history's tables of every tracked model of the project's apps. A page costs
a constant number of queries: the count, the page of (model, record id) pairs as one UNION, and
per model two queries (the records, and the records before them for the comparison).
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, OuterRef, Subquery, Value
from django.utils.translation import gettext_lazy as _
from simple_history.models import registered_models

AUDITED_APPS = ("members", "meetings", "projects", "surveys", "controlling")
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class AuditEntry:
    when: object
    who: object
    action: str
    model_name: str
    object_repr: str
    changes: list[Change] = field(default_factory=list)


def audited_models() -> dict[str, type]:
    """label ("meetings.meeting") → tracked model, for every model with a history in our apps."""
    models = {
        model._meta.label_lower: model
        for model in registered_models.values()
        if model._meta.app_label in AUDITED_APPS and hasattr(model, "history")
    }
    return dict(sorted(models.items(), key=lambda item: str(item[1]._meta.verbose_name_plural)))


def _related_names(historical_model) -> list[str]:
    return [f.name for f in historical_model._meta.concrete_fields if f.many_to_one]


def _instance(model, record):
    """The tracked object as it was, with its related objects from the record's joins."""
    values = {
        f.attname: getattr(record, f.attname)
        for f in model._meta.concrete_fields
        if hasattr(record, f.attname)
    }
    instance = model(**values)
    for model_field in model._meta.concrete_fields:
        if not model_field.many_to_one:
            continue
        record_field = record._meta.get_field(model_field.name)
        if record_field.is_cached(record):
            model_field.set_cached_value(instance, record_field.get_cached_value(record))
    return instance


def _shown(model, record, name, raw):
    """A field's value in words: the related object, the choice label, or the value itself."""
    model_field = model._meta.get_field(name)
    if raw is None or raw == "":
        return None
    if model_field.many_to_one:
        related = getattr(record, name, None)
        return str(related) if related is not None else f"#{raw}"
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    if model_field.choices:
        return dict(model_field.flatchoices).get(raw, raw)
    return raw


def _entries_of(model, history_ids: list[int]) -> dict[int, AuditEntry]:
    historical = model.history.model
    pk_name = model._meta.pk.attname
    related = _related_names(historical)
    previous = historical.objects.filter(
        **{pk_name: OuterRef(pk_name)}, history_id__lt=OuterRef("history_id")
    ).order_by("-history_id")
    records = list(
        historical.objects.filter(history_id__in=history_ids)
        .select_related(*related)
        .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
    )
    previous_ids = [r.previous_id for r in records if r.history_type == "~" and r.previous_id]
    previous_records = historical.objects.select_related(*related).in_bulk(previous_ids)
    entries = {}
    for record in records:
        entry = AuditEntry(
            when=record.history_date,
            who=record.history_user,
            action=ACTIONS.get(record.history_type, record.history_type),
            model_name=model._meta.verbose_name,
            object_repr=str(_instance(model, record)),
        )
        before = previous_records.get(record.previous_id) if record.history_type == "~" else None
        if before is not None:
            for change in record.diff_against(before).changes:
                entry.changes.append(
                    Change(
                        field=model._meta.get_field(change.field).verbose_name,
                        old=_shown(model, before, change.field, change.old),
                        new=_shown(model, record, change.field, change.new),
                    )
                )
        entries[record.history_id] = entry
    return entries


def audit_page(*, page_number, label: str = "", per_page: int = 50):
    """One page of the history, newest first; `label` limits it to one model."""
    models = audited_models()
    if label in models:
        models = {label: models[label]}
    # Each part without its default ordering: SQLite allows ORDER BY only on the whole union.
    parts = [
        model.history.model.objects.order_by()
        .annotate(model_label=Value(label, output_field=CharField()))
        .values_list("model_label", "history_id", "history_date")
        for label, model in models.items()
    ]
    union = parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")
    page = Paginator(union, per_page).get_page(page_number)
    ids_by_label: dict[str, list[int]] = {}
    for row_label, history_id, _when in page.object_list:
        ids_by_label.setdefault(row_label, []).append(history_id)
    entries = {
        (row_label, history_id): entry
        for row_label, ids in ids_by_label.items()
        for history_id, entry in _entries_of(models[row_label], ids).items()
    }
    page.object_list = [entries[(row_label, history_id)] for row_label, history_id, _when in page.object_list]
    return page
