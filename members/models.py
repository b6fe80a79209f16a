import secrets
import unicodedata

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import Language, MembershipRole, OrganisationKind, Role

_GERMAN_FOLDS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def german_sort_key(text: str) -> str:
    """DIN 5007-1 ordering (ä sorts as a), identical on SQLite and PostgreSQL."""
    folded = text.casefold().translate(_GERMAN_FOLDS)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def german_slug(text: str) -> str:
    """URL slug with German transliteration: Lügde → luegde, Dörentrup → doerentrup."""
    from django.utils.text import slugify

    for umlaut, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, replacement).replace(umlaut.upper(), replacement.capitalize())
    return slugify(text)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def _create(self, email, password, **extra):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: member staff, coordinator staff or a guest; with or without a login.

    People imported from history or added as walk-in guests have no usable password until the
    coordinator invites them. E-mail is optional for them but unique when present.
    """

    email = models.EmailField(_("e-mail address"), blank=True, null=True)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    # Free text for guests from other bodies ("Stadtwerke Detmold", "Verbraucherzentrale").
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    notify_reminders = models.BooleanField(_("meeting reminders"), default=True)
    notify_answer_requests = models.BooleanField(_("reminders to answer invitations"), default=True)
    notify_digest = models.BooleanField(_("daily digest (coordinators)"), default=True)
    # Set when the person was anonymised on request (GDPR erasure); the row stays for statistics.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(email__isnull=False),
                name="members_user_email_ci_unique",
                violation_error_message=_("A person with this e-mail address already exists."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email or f"#{self.pk}"

    def clean(self):
        super().clean()
        if self.email == "":
            self.email = None
        if self.email:
            self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else ""

    def get_absolute_url(self):
        return reverse("members:person_detail", args=[self.pk])

    @property
    def can_log_in(self) -> bool:
        return self.is_active and self.has_usable_password() and bool(self.email)

    @cached_property
    def current_memberships(self) -> list["Membership"]:
        today = timezone.localdate()
        return list(
            self.memberships.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)
            .select_related("organisation")
            .order_by("organisation__sort_name")
        )

    @cached_property
    def is_coordinator(self) -> bool:
        """Works for the coordinating organisation (Kreis Lippe – Masterplan management)."""
        return self.is_active and any(
            m.role == MembershipRole.COORDINATOR and m.organisation.kind == OrganisationKind.COORDINATOR
            for m in self.current_memberships
        )

    @cached_property
    def member_organisations(self) -> list["Organisation"]:
        """The member organisations this person currently speaks for."""
        return [
            m.organisation
            for m in self.current_memberships
            if m.role in (MembershipRole.REPRESENTATIVE, MembershipRole.DEPUTY)
        ]

    @cached_property
    def role(self) -> str:
        roles = {m.role for m in self.current_memberships}
        if self.is_coordinator:
            return Role.COORDINATOR
        if MembershipRole.REPRESENTATIVE in roles:
            return Role.REPRESENTATIVE
        if MembershipRole.DEPUTY in roles:
            return Role.DEPUTY
        return Role.GUEST

    def get_role_display(self):
        return Role(self.role).label

    def speaks_for(self, organisation) -> bool:
        return any(org.pk == organisation.pk for org in self.member_organisations)


class OrganisationQuerySet(models.QuerySet):
    def members(self):
        return self.filter(is_member=True)

    def active_members(self, on=None):
        on = on or timezone.localdate()
        return self.filter(is_member=True, active_since__lte=on).filter(
            Q(active_until__isnull=True) | Q(active_until__gte=on)
        )


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    is_member = models.BooleanField(_("member of the alliance"), default=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active_since = models.DateField(_("member since"), default=timezone.localdate)
    active_until = models.DateField(_("member until"), null=True, blank=True)
    # Filled on save: lets the database sort Dörentrup before Extertal on any backend.
    sort_name = models.CharField(max_length=200, editable=False, db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = self.expected_sort_name()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:organisation_detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.active_until and self.active_since and self.active_until < self.active_since:
            raise ValidationError({"active_until": _("The end must not be before the start.")})

    def expected_sort_name(self) -> str:
        # By place: "Gemeinde Dörentrup" sorts under D, not under G with all municipalities.
        return german_sort_key(self.short_name or self.name)

    @property
    def display_name(self):
        return self.short_name or self.name


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class Membership(models.Model):
    """A person's role for an organisation over a period; ended, never deleted."""

    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    start = models.DateField(_("start"), default=timezone.localdate)
    end = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__sort_name", "role", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="members_membership_end_after_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role", "start"])]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} – {self.organisation}"

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end must not be before the start.")
        organisation = self.organisation if self.organisation_id else None
        if organisation is not None and self.role:
            if self.role == MembershipRole.COORDINATOR and organisation.kind != OrganisationKind.COORDINATOR:
                errors["role"] = _("Only the coordinating organisation has coordinators.")
            elif self.role != MembershipRole.COORDINATOR and not organisation.is_member:
                errors["role"] = _("Representatives and deputies speak for a member of the alliance.")
        if errors:
            raise ValidationError(errors)

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)
