"""Reads for the members app. Query counts stay constant whatever the number of rows."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from .enums import MembershipRole, OrganisationKind
from .models import Membership, Organisation, User


def current_representatives_and_deputies_of(organisations, *, on=None) -> dict[int, dict[str, list]]:
    """{organisation pk: {role: [(person pk, full name, is active), ...]}} for representatives
    and deputies, by name. Tuples, not model instances: a page of 50 organisations has 500 people."""
    people = {organisation.pk: {} for organisation in organisations}
    rows = (
        Membership.objects.current(on)
        .filter(organisation__in=list(people))
        .filter(role__in=[MembershipRole.REPRESENTATIVE, MembershipRole.DEPUTY])
        .order_by("person__full_name", "person_id")
        .values_list("organisation_id", "role", "person_id", "person__full_name", "person__is_active")
    )
    for organisation_id, role, *person in rows:
        people[organisation_id].setdefault(role, []).append(tuple(person))
    return people


def member_organisations():
    """The alliance's member organisations (towns, municipalities, association), German order."""
    return Organisation.objects.members().order_by("sort_name")


def coordinator_organisation():
    return Organisation.objects.filter(kind=OrganisationKind.COORDINATOR).first()


def organisation_detail(*, slug: str):
    """The organisation with its memberships split into current, upcoming and former ones."""
    today = timezone.localdate()
    organisation = Organisation.objects.get(slug=slug)
    memberships = list(
        organisation.memberships.select_related("person").order_by("role", "-start", "person__full_name")
    )
    current = [m for m in memberships if m.is_current(today)]
    upcoming = [m for m in memberships if m.start > today]
    former = [m for m in memberships if m.end is not None and m.end < today]
    former.sort(key=lambda m: m.end, reverse=True)
    return organisation, current, upcoming, former


def person_memberships(*, person: User):
    return list(person.memberships.select_related("organisation").order_by("-start"))


def people_list(*, search: str = ""):
    qs = User.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.current().select_related("organisation"),
            to_attr="current_memberships_list",
        )
    ).order_by("full_name")
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search) | Q(email__icontains=search) | Q(affiliation__icontains=search)
        )
    return qs


def active_representatives_and_deputies(*, on=None):
    """Current representative and deputy memberships of active member organisations."""
    on = on or timezone.localdate()
    return (
        Membership.objects.current(on)
        .filter(
            role__in=[MembershipRole.REPRESENTATIVE, MembershipRole.DEPUTY],
            organisation__in=Organisation.objects.active_members(on),
            person__is_active=True,
        )
        .select_related("person", "organisation")
        .order_by("organisation__sort_name", "role", "person__full_name")
    )


def membership_on(*, person: User, on, roles=None):
    """The member organisation a person spoke for on a given date (for frozen history)."""
    roles = roles or [MembershipRole.REPRESENTATIVE, MembershipRole.DEPUTY]
    return (
        Membership.objects.current(on)
        .filter(person=person, role__in=roles, organisation__is_member=True)
        .select_related("organisation")
        .order_by("role", "-start")
        .first()
    )
