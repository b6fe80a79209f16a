from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import Direction, Kpi

FIRST_YEAR = 2016
year_validators = [MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]


class KpiTarget(models.Model):
    """The coordinator's target for one key figure in one year, with the reason."""

    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    kpi = models.CharField(_("key figure"), max_length=40, choices=Kpi.choices)
    target = models.DecimalField(
        _("target"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    # How far (in percent of the target) an actual value may miss before the light turns red.
    tolerance_percent = models.DecimalField(
        _("tolerance (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    comment = models.TextField(_("comment / reason"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["year", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kpi"], name="controlling_kpitarget_once_per_year"),
        ]

    def __str__(self):
        return f"{self.year} – {self.get_kpi_display()}: {self.target}"

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.AT_LEAST


class YearReview(models.Model):
    """The coordinator's written assessment of a year and the work programme for the next."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=year_validators)
    assessment = models.TextField(_("assessment"), blank=True)
    work_programme = models.TextField(_("work programme for the next year"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment of the year")
        verbose_name_plural = _("assessments of the year")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class FrozenReport(models.Model):
    """A report declared final: its data and PDFs as they were when it was sent.

    Unfreezing keeps the row (with the reason), so every version ever sent stays available;
    at most one frozen report per year is in force.
    """

    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    snapshot = models.JSONField(_("report data"), encoder=DjangoJSONEncoder)
    pdf_de = models.BinaryField(_("PDF (German)"))
    pdf_en = models.BinaryField(_("PDF (English)"))
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    unfrozen_at = models.DateTimeField(_("unfrozen at"), null=True, blank=True)
    unfrozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unfrozen by"),
    )
    unfreeze_reason = models.TextField(_("reason for unfreezing"), blank=True)
    history = HistoricalRecords(excluded_fields=["snapshot", "pdf_de", "pdf_en"])

    class Meta:
        verbose_name = _("frozen report")
        verbose_name_plural = _("frozen reports")
        ordering = ["-year", "-frozen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(unfrozen_at__isnull=True),
                name="controlling_frozenreport_one_in_force",
                violation_error_message=_("The report of this year is already frozen."),
            ),
        ]

    def __str__(self):
        return f"{self.year} ({self.frozen_at:%Y-%m-%d})"

    @property
    def in_force(self) -> bool:
        return self.unfrozen_at is None

    def pdf(self, language: str) -> bytes:
        return bytes(self.pdf_en if language == "en" else self.pdf_de)
