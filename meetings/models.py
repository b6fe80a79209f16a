import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import (
    AttendanceSource,
    DeliveryKind,
    DeliveryStatus,
    InvitationRole,
    MeetingKind,
    MeetingStatus,
    Response,
)


def new_check_in_code() -> str:
    return secrets.token_urlsafe(9)


class Meeting(models.Model):
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("topic / description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    host_organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    # iCalendar SEQUENCE: rises with every change that invitees must see in their calendar.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Optimistic locking: a form saved on an older revision is told of the conflict.
    revision = models.PositiveIntegerField(default=0, editable=False)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown is supported."))
    minutes_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the attendance list was recorded: "no attendance yet" differs from "nobody came".
    attendance_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    check_in_code = models.CharField(max_length=32, unique=True, default=new_check_in_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["minutes"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["start"]),
            models.Index(fields=["status", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="meetings_meeting_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.pk}@regionalbuendnis-lippe"

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    planned_minutes = models.PositiveIntegerField(_("planned minutes"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


def document_upload_to(instance, filename):
    # The stored name is random; the original (sanitised) name is kept in a field for downloads.
    return f"meetings/{instance.meeting_id}/{secrets.token_hex(16)}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("agenda item"),
    )
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
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class Invitation(models.Model):
    """One invited person and their answer. Answers are per person, not per organisation."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("person"),
    )
    # The member organisation the person speaks for at this meeting (null for guests).
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=InvitationRole.choices)
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    sends_deputy = models.BooleanField(_("sends the deputy instead"), default=False)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set while a "yes" waits for a free place in a full workshop; lower numbers move up first.
    waitlist_position = models.PositiveIntegerField(_("waiting list position"), null=True, blank=True)
    # When the person last moved up from the waiting list to a place; the "you have a place now"
    # e-mail is keyed by it, so moving up again later is told again, but each move only once.
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meetings_invitation_unique"),
        ]
        indexes = [models.Index(fields=["person", "meeting"])]

    def __str__(self):
        return f"{self.person} → {self.meeting}"

    @property
    def is_waitlisted(self) -> bool:
        return self.waitlist_position is not None


class Attendance(models.Model):
    """Who was actually present. The organisation is frozen as of the meeting date."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    # For guests whose body is not an organisation in the app.
    organisation_text = models.CharField(_("organisation (free text)"), max_length=200, blank=True)
    present = models.BooleanField(_("present"), default=True)
    source = models.CharField(
        _("source"), max_length=20, choices=AttendanceSource.choices, default=AttendanceSource.LIST
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meetings_attendance_unique"),
        ]
        indexes = [models.Index(fields=["meeting", "present"])]

    def __str__(self):
        return f"{self.person} @ {self.meeting}"


class ActionItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = models.CharField(_("decision / action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    owner_organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner organisation"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["done_at", "due_date"])]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """One e-mail to one recipient. The unique key makes every send happen at most once.

    Shared by meetings and the survey: `object_key` names what the mail is about
    ("meeting:12", "survey:3"), `variant` what distinguishes repeated mails of one kind
    (the meeting's sequence for updates, "7d" for a reminder offset, a date for a digest).
    """

    kind = models.CharField(_("kind"), max_length=30, choices=DeliveryKind.choices)
    object_key = models.CharField(max_length=100)
    variant = models.CharField(max_length=50, blank=True, default="")
    email = models.EmailField(_("recipient address"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("meeting"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The meeting's iCalendar SEQUENCE the message carried: an update is due when it falls behind.
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # After a transient SMTP error: the sweep leaves the delivery to the task's backoff until then.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "variant", "email"],
                name="meetings_delivery_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["meeting", "kind"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.email}"
