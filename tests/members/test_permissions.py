"""Every members view for the coordinator, a representative of member A and of member B, a deputy,
a guest and an anonymous visitor."""

import pytest
from django.urls import reverse

from members.enums import MembershipRole

pytestmark = pytest.mark.django_db

PEOPLE = ["coordinator", "rep_a", "deputy_a", "rep_b", "guest_user", None]


@pytest.fixture
def membership_a(rep_a):
    return rep_a.memberships.get()


def url_for(name, *, member_a, rep_a, membership_a):
    args = {
        "members:organisation_list": [],
        "members:organisation_detail": [member_a.slug],
        "members:organisation_edit": [member_a.slug],
        "members:people_list": [],
        "members:person_create": [],
        "members:person_detail": [rep_a.pk],
        "members:person_edit": [rep_a.pk],
        "members:person_invite": [rep_a.pk],
        "members:person_reset_calendar_token": [rep_a.pk],
        "members:membership_create": [],
        "members:membership_edit": [membership_a.pk],
        "members:membership_end": [membership_a.pk],
    }[name]
    return reverse(name, args=args)


# (url name, method, who gets in: "all" logged-in, "coordinator", or "self" = coordinator and rep_a)
VIEWS = [
    ("members:organisation_list", "get", "all"),
    ("members:organisation_detail", "get", "all"),
    ("members:organisation_edit", "get", "coordinator"),
    ("members:organisation_edit", "post", "coordinator"),
    ("members:people_list", "get", "coordinator"),
    ("members:person_create", "get", "coordinator"),
    ("members:person_create", "post", "coordinator"),
    ("members:person_detail", "get", "all"),
    ("members:person_edit", "get", "self"),
    ("members:person_edit", "post", "self"),
    ("members:person_invite", "post", "coordinator"),
    ("members:person_reset_calendar_token", "post", "self"),
    ("members:membership_create", "get", "coordinator"),
    ("members:membership_create", "post", "coordinator"),
    ("members:membership_edit", "get", "coordinator"),
    ("members:membership_edit", "post", "coordinator"),
    ("members:membership_end", "get", "coordinator"),
    ("members:membership_end", "post", "coordinator"),
]


def allowed(audience, who):
    if audience == "all":
        return who is not None
    if audience == "self":
        return who in ("coordinator", "rep_a")
    return who == "coordinator"


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("name", "method", "audience"), VIEWS)
def test_view_access(
    client, login, request, coordinator, rep_a, member_a, membership_a, name, method, audience, who
):
    person = request.getfixturevalue(who) if who else None
    login(person)
    url = url_for(name, member_a=member_a, rep_a=rep_a, membership_a=membership_a)
    before = (membership_a.__class__.objects.filter(pk=membership_a.pk).values().get(), rep_a.calendar_token)
    # Empty POSTs: enough to pass the permission check, never enough to change anything but the
    # calendar token and the invitation, which need no input.
    response = getattr(client, method)(url, {})
    if who is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    elif allowed(audience, who):
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403
        assert "Sie dürfen diese Seite nicht öffnen" in response.text
        rep_a.refresh_from_db()
        assert (
            membership_a.__class__.objects.filter(pk=membership_a.pk).values().get(),
            rep_a.calendar_token,
        ) == before


@pytest.mark.parametrize(
    "name",
    [
        "members:organisation_detail",
        "members:organisation_edit",
        "members:person_detail",
        "members:person_edit",
        "members:membership_edit",
        "members:membership_end",
    ],
)
def test_missing_objects_give_404(client, login, coordinator, name):
    login(coordinator)
    arg = "gibt-es-nicht" if name.startswith("members:organisation") else 999999
    response = client.get(reverse(name, args=[arg]))
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text


def test_contact_details_for_members_and_coordinator_not_for_guests(
    client, login, rep_a, rep_b, coordinator, guest_user
):
    rep_a.phone = "05231 62-0"
    rep_a.save()
    url = reverse("members:person_detail", args=[rep_a.pk])
    for person in (coordinator, rep_a, rep_b):
        login(person)
        text = client.get(url).text
        assert rep_a.email in text and "05231 62-0" in text
    login(guest_user)
    text = client.get(url).text
    assert rep_a.email not in text and "05231 62-0" not in text
    assert rep_a.full_name in text


def test_edit_buttons_only_for_those_who_may(client, login, coordinator, rep_a, rep_b, member_a):
    login(rep_a)
    detail = client.get(member_a.get_absolute_url()).text
    assert reverse("members:membership_create") not in detail
    assert reverse("members:organisation_edit", args=[member_a.slug]) not in detail
    own = client.get(reverse("members:person_detail", args=[rep_a.pk])).text
    assert reverse("members:person_edit", args=[rep_a.pk]) in own
    assert reverse("members:person_invite", args=[rep_a.pk]) not in own
    other = client.get(reverse("members:person_detail", args=[rep_b.pk])).text
    assert reverse("members:person_edit", args=[rep_b.pk]) not in other
    assert reverse("members:person_reset_calendar_token", args=[rep_b.pk]) not in other

    login(coordinator)
    detail = client.get(member_a.get_absolute_url()).text
    assert reverse("members:membership_create") in detail
    assert reverse("members:membership_end", args=[rep_a.memberships.get().pk]) in detail
    other = client.get(reverse("members:person_detail", args=[rep_b.pk])).text
    assert reverse("members:person_invite", args=[rep_b.pk]) in other


def test_coordinator_sees_people_directory_link_others_do_not(client, login, coordinator, rep_a):
    login(coordinator)
    link = f'href="{reverse("members:people_list")}"'
    assert link in client.get(reverse("members:organisation_list")).text
    login(rep_a)
    assert link not in client.get(reverse("members:organisation_list")).text


def test_member_detail_shows_current_and_former(client, login, rep_b, member_a, rep_a, deputy_a):
    from tests.factories import MembershipFactory, UserFactory

    former = UserFactory(full_name="Frieda Früher", is_active=False)
    MembershipFactory(
        person=former,
        organisation=member_a,
        role=MembershipRole.REPRESENTATIVE,
        end="2015-12-31",
        start="2010-01-01",
    )
    upcoming = UserFactory(full_name="Zoe Zukunft")
    MembershipFactory(person=upcoming, organisation=member_a, role=MembershipRole.DEPUTY, start="2999-01-01")
    login(rep_b)
    response = client.get(member_a.get_absolute_url())
    assert {m.person for m in response.context["current"]} == {rep_a, deputy_a}
    assert [m.person for m in response.context["former"]] == [former]
    assert [m.person for m in response.context["upcoming"]] == [upcoming]
    text = response.text
    assert text.index("Aktuelle Mitgliedschaften") < text.index(rep_a.full_name)
    assert text.index("Frühere Mitgliedschaften") < text.index("Frieda Früher")
    assert "inaktiv" in text


def test_person_profile_lists_memberships_of_inactive_people(client, login, rep_b, member_a):
    from tests.factories import MembershipFactory, UserFactory

    former = UserFactory(full_name="Frieda Früher", is_active=False)
    MembershipFactory(person=former, organisation=member_a, end="2015-12-31", start="2010-01-01")
    login(rep_b)
    response = client.get(reverse("members:person_detail", args=[former.pk]))
    assert response.status_code == 200
    assert "Stadt Detmold" in response.text
    assert "kann sich nicht anmelden" in response.text


def test_directory_marks_inactive_people(client, login, rep_b, rep_a, member_a):
    rep_a.is_active = False
    rep_a.save()
    login(rep_b)
    text = client.get(reverse("members:organisation_list")).text
    assert "Anna Detmold</a> <span" in text
    assert "inaktiv" in text
