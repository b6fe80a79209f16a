"""Writes for controlling: targets, the written assessment, freezing and unfreezing reports."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .enums import Kpi
from .models import FrozenReport, KpiTarget, YearReview
from .outputs import report_pdf

TARGET_FIELDS = ("target", "direction", "tolerance_percent", "comment")


def _ensure_not_frozen(year: int) -> None:
    if FrozenReport.objects.filter(year=year, unfrozen_at__isnull=True).exists():
        raise ValidationError(
            _("The report for %(year)s is final. Unfreeze it before changing it.") % {"year": year}
        )


@transaction.atomic
def kpi_targets_save(*, year: int, targets: dict[str, dict], user) -> list[KpiTarget]:
    """Sets the year's targets: `targets` maps a KPI to its fields; a target of None removes it.

    Only rows that really change are written, so the history shows real changes only.
    """
    _ensure_not_frozen(year)
    unknown = set(targets) - set(Kpi.values)
    if unknown:
        raise ValidationError(_("Unknown key figure: %(kpi)s") % {"kpi": ", ".join(sorted(unknown))})
    existing = {t.kpi: t for t in KpiTarget.objects.select_for_update().filter(year=year)}
    saved = []
    for kpi, fields in targets.items():
        current = existing.get(kpi)
        if fields.get("target") is None:
            if current is not None:
                current.delete()
            continue
        values = {
            "target": Decimal(fields["target"]),
            "direction": fields["direction"],
            "tolerance_percent": Decimal(fields["tolerance_percent"]),
            "comment": (fields.get("comment") or "").strip(),
        }
        target = current or KpiTarget(year=year, kpi=kpi)
        if current is not None and all(getattr(current, f) == values[f] for f in TARGET_FIELDS):
            saved.append(current)
            continue
        for field, value in values.items():
            setattr(target, field, value)
        target.updated_by = user
        try:
            target.full_clean()
        except ValidationError as error:
            raise ValidationError({f"{kpi}-{f}": msgs for f, msgs in error.message_dict.items()}) from None
        target.save()
        saved.append(target)
    return saved


@transaction.atomic
def year_review_save(*, year: int, assessment: str, work_programme: str, user) -> YearReview:
    _ensure_not_frozen(year)
    review = YearReview.objects.select_for_update().filter(year=year).first() or YearReview(year=year)
    review.assessment = assessment.strip()
    review.work_programme = work_programme.strip()
    review.updated_by = user
    review.full_clean()
    review.save()
    return review


# Parts of the report that come from other apps in the output language; all else must agree.
LANGUAGE_DEPENDENT_KEYS = {"projects", "survey", "language"}


@transaction.atomic
def report_freeze(*, year: int, user, now=None) -> FrozenReport:
    """Declares the year's report final: stores its data and both PDFs as they are now.

    The stored data is the German report (the alliance's language); each PDF is made from the
    report read in its own language, so survey questions appear in that language.
    """
    _ensure_not_frozen(year)
    now = now or timezone.now()
    reports = {
        language: selectors.controlling_report(year=year, now=now, language=language)
        for language in ("de", "en")
    }
    for report in reports.values():
        report["frozen"] = True
        report["frozen_at"] = now.isoformat()
    figures = [{k: v for k, v in r.items() if k not in LANGUAGE_DEPENDENT_KEYS} for r in reports.values()]
    if figures[0] != figures[1]:
        # Attendance was changed between the two reads: freeze again rather than store a mix.
        raise ValidationError(_("The figures changed while the report was being frozen. Please try again."))
    frozen = FrozenReport(
        year=year,
        snapshot=reports["de"],
        pdf_de=report_pdf(reports["de"], language="de"),
        pdf_en=report_pdf(reports["en"], language="en"),
        frozen_at=now,
        frozen_by=user,
    )
    frozen.full_clean()
    try:
        with transaction.atomic():
            frozen.save()
    except IntegrityError:
        # Someone froze the same year at the same moment.
        raise ValidationError(_("The report of this year is already frozen.")) from None
    return frozen


@transaction.atomic
def report_unfreeze(*, year: int, user, reason: str) -> FrozenReport:
    """Reopens the year's report. The frozen version stays stored with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for unfreezing the report.")})
    frozen = (
        FrozenReport.objects.select_for_update()
        .defer("snapshot", "pdf_de", "pdf_en")
        .filter(year=year, unfrozen_at__isnull=True)
        .first()
    )
    if frozen is None:
        raise ValidationError(_("The report for %(year)s is not frozen.") % {"year": year})
    frozen.unfrozen_at = timezone.now()
    frozen.unfrozen_by = user
    frozen.unfreeze_reason = reason
    frozen.save(update_fields=["unfrozen_at", "unfrozen_by", "unfreeze_reason"])
    return frozen
