import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ActivityStatus, Calculation, Direction, Field, ProjectStatus

# Years before the alliance's time frame are typing errors, not data.
EARLIEST_YEAR = 1990


class Project(models.Model):
    """A joint project of the alliance (Stadtradeln, energy management, ...)."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("short description"), blank=True)
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    lead_organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead organisation"),
    )
    participants = models.ManyToManyField(
        "members.Organisation",
        related_name="participating_projects",
        blank=True,
        verbose_name=_("participating members"),
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="project_contacts",
        blank=True,
        verbose_name=_("contact people"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    # Changed only by services.project_change_status, which records the history.
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.IDEA, editable=False
    )
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    meetings = models.ManyToManyField(
        "meetings.Meeting", related_name="projects", blank=True, verbose_name=_("discussed in meetings")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="projects_project_end_after_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["field"]),
            # The project list's order: a page of 20 is read from the index (EXPLAIN, 500 projects).
            models.Index(fields=["title", "id"], name="projects_project_title_id"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must not be before the start.")})


class StatusChange(models.Model):
    """One entry of a project's status history: who changed what, when and why."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("project")
    )
    # Empty for the entry that records the project's creation.
    from_status = models.CharField(_("from"), max_length=20, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ProjectStatus.choices)
    changed_on = models.DateField(_("date of the change"), default=timezone.localdate)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["to_status", "changed_on"])]

    def __str__(self):
        return f"{self.project}: {self.from_status or '–'} → {self.to_status}"


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self):
        return self.title

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.done_on is None and self.due_on < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class ProgressUpdate(models.Model):
    """A dated progress entry by the coordinator or a participating member's representative."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("project")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The member the author wrote for, frozen at writing time (empty for the coordinator).
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.project} – {self.date}"


def document_upload_to(instance, filename):
    # The stored name is random; the original name is kept in a field for the download.
    return f"projects/{instance.project_id}/{secrets.token_hex(16)}"


class ProjectDocument(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project")
    )
    progress_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("progress update"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title or self.original_name

    def get_absolute_url(self):
        return reverse("projects:document_download", args=[self.pk])


class ProjectLink(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="links", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address (URL)"), max_length=500)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    """A key figure of a project, or of the alliance as a whole when `project` is empty."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    tolerance_percent = models.DecimalField(
        _("tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("A miss of at most this share of the target shows amber instead of red."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    calculation = models.CharField(
        _("values"), max_length=20, choices=Calculation.choices, default=Calculation.ENTERED
    )
    # For computed indicators: the kilometres indicator the CO2 values are derived from.
    source_indicator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_indicators",
        verbose_name=_("kilometres indicator"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def get_absolute_url(self):
        return reverse("projects:indicator_detail", args=[self.pk])

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER_IS_BETTER

    @property
    def tolerance(self) -> Decimal:
        return self.tolerance_percent / 100

    @property
    def is_computed(self) -> bool:
        return self.calculation != Calculation.ENTERED

    def clean(self):
        super().clean()
        if self.calculation == Calculation.CO2_FROM_KM:
            if self.source_indicator_id is None:
                raise ValidationError(
                    {"source_indicator": _("Choose the kilometres indicator the CO2 is computed from.")}
                )
            source = self.source_indicator
            if source.project_id != self.project_id or source.is_computed or source.pk == self.pk:
                raise ValidationError(
                    {
                        "source_indicator": _(
                            "The kilometres indicator must be an entered indicator of the same project."
                        )
                    }
                )
        elif self.source_indicator_id is not None:
            raise ValidationError(
                {"source_indicator": _("Only computed indicators have a kilometres indicator.")}
            )


class IndicatorValue(models.Model):
    """Target and actual value of one year, for one organisation or (organisation empty) the region."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(EARLIEST_YEAR)])
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("organisation"),
    )
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=3, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=3, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "year", "organisation__sort_name"]
        constraints = [
            # Two partial constraints rather than nulls_distinct: SQLite (local runs) lacks the latter.
            models.UniqueConstraint(
                fields=["indicator", "year", "organisation"],
                condition=Q(organisation__isnull=False),
                name="projects_value_unique_per_organisation",
                violation_error_message=_("There is already a value for this year and organisation."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(organisation__isnull=True),
                name="projects_value_unique_for_region",
                violation_error_message=_("There is already a value for this year and the whole region."),
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(actual__isnull=False),
                name="projects_value_target_or_actual",
                violation_error_message=_("Enter a target or an actual value."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year} {self.organisation or '–'}"


class Co2Factor(models.Model):
    """CO2 avoided per cycled kilometre as set by the Stadtradeln campaign for a year."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(EARLIEST_YEAR)]
    )
    grams_per_km = models.DecimalField(
        _("g CO2 per km"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("CO2 factor")
        verbose_name_plural = _("CO2 factors")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.grams_per_km} g/km"


class ClimateActivity(models.Model):
    """A member's own climate-protection activity, documented by its representatives."""

    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="climate_activities",
        verbose_name=_("member"),
    )
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(EARLIEST_YEAR)])
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.RUNNING
    )
    summary = models.TextField(_("short description"), max_length=2000, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("climate activity")
        verbose_name_plural = _("climate activities")
        ordering = ["-year", "organisation__sort_name", "title"]
        indexes = [
            models.Index(fields=["organisation", "year"]),
            models.Index(fields=["field", "year"]),
            models.Index(fields=["status"]),
            # The catalogue's order (newest year first): its first page reads one year's rows.
            models.Index(fields=["year"]),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.year and self.year > timezone.localdate().year + 5:
            raise ValidationError({"year": _("The year lies too far in the future.")})
        if self.organisation_id and not self.organisation.is_member:
            raise ValidationError(
                {"organisation": _("Climate activities belong to a member of the alliance.")}
            )
