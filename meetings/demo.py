"""Demo meetings for `seed_demo`: the alliance's series since September 2016, and what comes next.

Past meetings are written directly (answers, attendance frozen to the organisation the person
spoke for on the day, minutes, action items); upcoming ones go through the services like the
coordinator's own work, so their invitations, answers and waiting list behave as in real use.
Idempotent: every meeting is identified by its title and start; nothing is added twice.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from members.enums import MembershipRole, OrganisationKind
from members.models import Membership, Organisation, User

from . import services
from .enums import AttendanceSource, InvitationRole, MeetingKind, MeetingStatus, Response
from .models import ActionItem, AgendaItem, Attendance, Invitation, Meeting

SEED = 2050
FIRST_MEETING_DAY = datetime.date(2016, 9, 21)
REGULAR_MONTHS = {3: [3, 6, 11], 4: [2, 5, 9, 11], 5: [2, 4, 6, 9, 11]}

POSTCODES = {
    "Augustdorf": "32832",
    "Bad Salzuflen": "32105",
    "Barntrup": "32683",
    "Blomberg": "32825",
    "Detmold": "32756",
    "Dörentrup": "32694",
    "Extertal": "32699",
    "Horn-Bad Meinberg": "32805",
    "Kalletal": "32689",
    "Lage": "32791",
    "Lemgo": "32657",
    "Leopoldshöhe": "33818",
    "Lügde": "32676",
    "Oerlinghausen": "33813",
    "Schieder-Schwalenberg": "32816",
    "Schlangen": "33189",
}

# (topic for the agenda and minutes, presenter)
REGULAR_TOPICS = [
    ("Rückblick und Auswertung Stadtradeln", "Kreis Lippe – Masterplanmanagement"),
    ("Zentrales Energiemanagement für kommunale Gebäude", "Energieagentur Lippe"),
    ("Kooperation bei der Quartierssanierung", "Kreis Lippe – Masterplanmanagement"),
    ("Förderprogramme: Kommunalrichtlinie und progres.nrw", "Kreis Lippe – Fördermittelberatung"),
    ("Photovoltaik auf kommunalen Dächern: Stand der Potenzialanalyse", "Stadtwerke"),
    ("Klimaanpassung: Starkregen- und Hitzevorsorge", "Kreis Lippe – Umweltamt"),
    ("Kommunale Wärmeplanung: Fristen und Zusammenarbeit", "Kreis Lippe – Masterplanmanagement"),
    ("Klimafreundliche Beschaffung", "Landesverband Lippe"),
    ("Öffentlichkeitsarbeit: gemeinsamer Auftritt des Bündnisses", "Kreis Lippe – Pressestelle"),
    ("E-Mobilität und Ladeinfrastruktur an Rathäusern", "Kreis Lippe – Mobilitätsmanagement"),
    ("Straßenbeleuchtung auf LED: Erfahrungen der Kommunen", "Stadt Lage"),
    ("Berichte aus den Kommunen", ""),
]
WORKSHOPS = [
    ("Workshop Stadtradeln: Kampagne gemeinsam planen", "Stadtradeln"),
    ("Workshop Energiemanagement kommunaler Liegenschaften", "Energiemanagement"),
    ("Workshop Quartierssanierung: vom Konzept zur Umsetzung", "Quartierssanierung"),
    ("Workshop Klimaanpassung in der Bauleitplanung", "Klimaanpassung"),
    ("Workshop Förderprogramme richtig nutzen", "Förderprogramme"),
    ("Workshop PV auf kommunalen Dächern", "Photovoltaik"),
    ("Workshop Kommunale Wärmeplanung", "Wärmeplanung"),
    ("Workshop Klimaschutz in Kita und Schule", "Bildung"),
]
GUESTS = [
    ("Sabine Ostermann", "Energieagentur Lippe"),
    ("Markus Feldhaus", "Verbraucherzentrale NRW, Detmold"),
    ("Petra Lindemann", "Stadtwerke Detmold"),
    ("Holger Rieke", "Handwerkskammer OWL"),
    ("Dr. Lena Brinkmann", "Technische Hochschule OWL"),
    ("Jan Wiesemann", "ADFC Kreisverband Lippe"),
]
ACTIONS = [
    "Teilnahme am Stadtradeln im Rat beschließen lassen",
    "Verbrauchsdaten der Liegenschaften an das Masterplanmanagement melden",
    "Ansprechperson für die Quartierssanierung benennen",
    "Dachflächen für die PV-Potenzialanalyse zusammenstellen",
    "Förderantrag Kommunalrichtlinie vorbereiten",
    "Starkregengefahrenkarte im Bauamt vorstellen",
    "Termin für den nächsten Workshop abstimmen",
    "Pressemitteilung zum Bündnistreffen abstimmen",
]


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weekday_in(year: int, month: int, rng: random.Random) -> datetime.date:
    """A Tuesday, Wednesday or Thursday in the month, not in the first days."""
    day = datetime.date(year, month, rng.randint(8, 24))
    while day.weekday() not in (1, 2, 3):
        day += datetime.timedelta(days=1)
    return day


def _place(host: Organisation) -> tuple[str, str]:
    if host.kind == OrganisationKind.ASSOCIATION:
        return "Schloss Brake, Lemgo", "Schlossstraße 18\n32657 Lemgo"
    town = host.short_name or host.name
    return f"Rathaus {town}", f"{POSTCODES.get(town, '')} {town}".strip()


class People:
    """Who spoke for which member on a given day, from all memberships loaded once."""

    def __init__(self):
        self.memberships = list(Membership.objects.select_related("person", "organisation"))
        self.coordinators = sorted(
            {
                m.person
                for m in self.memberships
                if m.role == MembershipRole.COORDINATOR and m.person.is_active
            },
            key=lambda person: person.full_name,
        )

    def invitees_on(self, day: datetime.date) -> list[tuple[User, Organisation | None, str]]:
        invitees = {}
        for m in self.memberships:
            if not m.is_current(day) or not m.person.is_active:
                continue
            if m.role == MembershipRole.COORDINATOR:
                invitees.setdefault(m.person.pk, (m.person, m.organisation, InvitationRole.COORDINATOR))
            elif m.organisation.is_member:
                role = (
                    InvitationRole.REPRESENTATIVE
                    if m.role == MembershipRole.REPRESENTATIVE
                    else InvitationRole.DEPUTY
                )
                invitees[m.person.pk] = (m.person, m.organisation, role)
        return sorted(invitees.values(), key=lambda row: (row[1].sort_name if row[1] else "", row[2]))


def _guest_people() -> list[User]:
    people = []
    for name, affiliation in GUESTS:
        person = User.objects.filter(full_name=name, affiliation=affiliation).first()
        if person is None:
            person = services.person_for_guest(full_name=name, affiliation=affiliation)
        people.append(person)
    return people


def _schedule(today: datetime.date, rng: random.Random) -> list[tuple]:
    """(kind, title, topics, day) of every past meeting since September 2016."""
    plan = []
    number = 0
    for year in range(2016, today.year + 1):
        months = [9, 11] if year == 2016 else REGULAR_MONTHS[rng.choice([3, 4, 4, 4, 5])]
        for month in months:
            day = FIRST_MEETING_DAY if (year, month) == (2016, 9) else _weekday_in(year, month, rng)
            if day >= today:
                continue
            number += 1
            topics = rng.sample(REGULAR_TOPICS[:-1], 3) + [REGULAR_TOPICS[-1]]
            plan.append((MeetingKind.MEETING, f"{number}. Sitzung des Regionalbündnisses 2050", topics, day))
        if year >= 2017:
            for _ in range(rng.choice([1, 1, 2])):
                title, topic = rng.choice(WORKSHOPS)
                day = _weekday_in(year, rng.choice([4, 10]), rng)
                if day < today:
                    plan.append((MeetingKind.WORKSHOP, title, [(topic, "")], day))
    return plan


def _minutes(title: str, topics, attendees: int, members: int) -> str:
    lines = [
        f"# Protokoll: {title}",
        "",
        f"Anwesend: {attendees} Personen aus {members} Mitgliedskommunen.",
        "",
    ]
    for index, (topic, presenter) in enumerate(topics, start=1):
        lines.append(f"## TOP {index}: {topic}")
        if presenter:
            lines.append(f"Vortrag: {presenter}.")
        lines.append("Die Mitglieder tauschen ihre Erfahrungen aus; Fragen werden im Anschluss geklärt.")
        lines.append("")
    lines.append("**Nächster Termin:** wird mit der Einladung bekannt gegeben.")
    return "\n".join(lines)


def _past_meeting(kind, title, topics, day, host, people: People, guests, rng, coordinator) -> Meeting | None:
    workshop = kind == MeetingKind.WORKSHOP
    start = _local(day, 9, 30) if workshop else _local(day, 14, 0)
    if Meeting.objects.filter(title=title, start=start).exists():
        return None
    end = start + (
        datetime.timedelta(hours=3, minutes=30) if workshop else datetime.timedelta(hours=2, minutes=30)
    )
    venue, address = _place(host)
    meeting = Meeting.objects.create(
        kind=kind,
        title=title,
        description="Themen: " + ", ".join(topic for topic, _presenter in topics) + ".",
        start=start,
        end=end,
        venue=venue,
        address=address,
        host_organisation=host,
        status=MeetingStatus.HELD,
        capacity=25 if workshop else None,
        created_by=coordinator,
        attendance_recorded_at=end + datetime.timedelta(days=rng.randint(0, 3)),
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position,
            title=topic,
            presenter=presenter,
            planned_minutes=rng.choice([20, 30, 45]),
        )
        for position, (topic, presenter) in enumerate(topics, start=1)
    )
    invitees = people.invitees_on(day)
    if workshop:
        invitees += [(guest, None, InvitationRole.GUEST) for guest in rng.sample(guests, rng.randint(1, 4))]
    present_target = min(rng.randint(15, 30), len(invitees))
    coordinators = [row for row in invitees if row[2] == InvitationRole.COORDINATOR]
    others = [row for row in invitees if row[2] != InvitationRole.COORDINATOR]
    # Representatives come more often than deputies; one coordinator is always there.
    others.sort(key=lambda row: rng.random() * (0.6 if row[2] == InvitationRole.REPRESENTATIVE else 1.0))
    present = {coordinators[0][0].pk} if coordinators else set()
    for person, _org, _role in others:
        if len(present) >= present_target:
            break
        present.add(person.pk)
    invitations, attendances = [], []
    answered_at = start - datetime.timedelta(days=rng.randint(2, 14))
    for person, organisation, role in invitees:
        came = person.pk in present
        if came:
            response = Response.YES if rng.random() < 0.9 else Response.PENDING
        else:
            response = rng.choice([Response.NO, Response.NO, Response.PENDING, Response.MAYBE])
        invitations.append(
            Invitation(
                meeting=meeting,
                person=person,
                organisation=organisation,
                role=role,
                response=response,
                responded_at=None if response == Response.PENDING else answered_at,
            )
        )
        attendances.append(
            Attendance(
                meeting=meeting,
                person=person,
                organisation=organisation,
                organisation_text=person.affiliation if organisation is None else "",
                present=came,
                source=AttendanceSource.LIST,
                recorded_by=coordinator,
            )
        )
    Invitation.objects.bulk_create(invitations)
    Attendance.objects.bulk_create(attendances)
    members = {org.pk for person, org, role in invitees if person.pk in present and org and org.is_member}
    meeting.minutes = _minutes(title, topics, len(present), len(members))
    meeting.minutes_updated_at = meeting.attendance_recorded_at
    meeting.save(update_fields=["minutes", "minutes_updated_at"])
    return meeting


def _action_items(meeting: Meeting, rng: random.Random, today: datetime.date, *, open_share: float) -> None:
    reps = list(
        meeting.invitations.filter(role=InvitationRole.REPRESENTATIVE).select_related(
            "person", "organisation"
        )
    )
    for title in rng.sample(ACTIONS, rng.randint(1, 3)):
        owner = rng.choice(reps) if reps else None
        due = timezone.localdate(meeting.start) + datetime.timedelta(days=rng.choice([21, 42, 60]))
        done = rng.random() > open_share or due < today - datetime.timedelta(days=120)
        ActionItem.objects.create(
            meeting=meeting,
            title=title,
            owner=owner.person if owner else None,
            owner_organisation=owner.organisation if owner else None,
            due_date=due,
            done_at=_local(min(due, today), 12) if done else None,
        )


UPCOMING = [
    # (title, kind, days ahead, host index, capacity, answered share)
    ("Sitzung des Regionalbündnisses 2050", MeetingKind.MEETING, 18, 0, None, 0.6),
    ("Workshop PV auf kommunalen Dächern", MeetingKind.WORKSHOP, 40, 1, 12, 0.8),
    ("Sitzung des Regionalbündnisses 2050 – Jahresplanung", MeetingKind.MEETING, 95, 2, None, 0.2),
]
DRAFT_TITLE = "Workshop Klimaanpassung: Hitzeaktionspläne (Entwurf)"


def _upcoming(people_hosts, coordinator, guests, rng, today) -> int:
    created = 0
    for title, kind, days, host_index, capacity, answered in UPCOMING:
        if Meeting.objects.filter(
            title=title, status__in=[MeetingStatus.PUBLISHED, MeetingStatus.DRAFT]
        ).exists():
            continue
        day = today + datetime.timedelta(days=days)
        while day.weekday() not in (1, 2, 3):
            day += datetime.timedelta(days=1)
        workshop = kind == MeetingKind.WORKSHOP
        start = _local(day, 9, 30) if workshop else _local(day, 14, 0)
        host = people_hosts[host_index % len(people_hosts)]
        venue, address = _place(host)
        meeting = services.meeting_create(
            by=coordinator,
            kind=kind,
            title=title,
            description=(
                "Gemeinsame Ausschreibung und Potenzialanalyse für Photovoltaik auf Rathäusern, Schulen "
                "und Bauhöfen; Erfahrungsberichte aus Detmold und Lemgo."
                if workshop
                else "Berichte aus den Kommunen, Stand der gemeinsamen Projekte, Planung der Workshops."
            ),
            start=start,
            end=start + datetime.timedelta(hours=3 if workshop else 2, minutes=30 if workshop else 0),
            venue=venue,
            address=address,
            host_organisation=host,
            capacity=capacity,
            registration_deadline=start - datetime.timedelta(days=7) if workshop else None,
        )
        topics = rng.sample(REGULAR_TOPICS[:-1], 3)
        services.agenda_save(
            meeting=meeting,
            by=coordinator,
            items=[{"title": t, "presenter": p, "planned_minutes": 30} for t, p in topics],
        )
        if workshop:
            services.invitation_add_people(meeting=meeting, people=guests[:3], by=coordinator)
        meeting = services.meeting_publish(meeting=meeting, by=coordinator)
        invitations = list(meeting.invitations.select_related("person").order_by("pk"))
        rng.shuffle(invitations)
        for invitation in invitations[: int(len(invitations) * answered)]:
            response = rng.choice([Response.YES, Response.YES, Response.YES, Response.NO, Response.MAYBE])
            sends_deputy = (
                response == Response.NO
                and invitation.role == InvitationRole.REPRESENTATIVE
                and rng.random() < 0.4
            )
            services.invitation_respond(
                invitation=invitation,
                by=invitation.person,
                response=response,
                comment="Komme etwas später." if rng.random() < 0.1 else "",
                sends_deputy=sends_deputy,
            )
        created += 1
    if not Meeting.objects.filter(title=DRAFT_TITLE).exists():
        day = today + datetime.timedelta(days=150)
        while day.weekday() not in (1, 2, 3):
            day += datetime.timedelta(days=1)
        start = _local(day, 9, 30)
        services.meeting_create(
            by=coordinator,
            kind=MeetingKind.WORKSHOP,
            title=DRAFT_TITLE,
            description="Hitzeaktionspläne für Kommunen: Beispiele, Fördermöglichkeiten, nächste Schritte.",
            start=start,
            end=start + datetime.timedelta(hours=3),
            venue="Kreishaus Detmold",
            address="Felix-Fechenbach-Straße 5\n32756 Detmold",
            capacity=25,
            registration_deadline=start - datetime.timedelta(days=10),
        )
        created += 1
    return created


@transaction.atomic
def seed(stdout=None) -> list:
    rng = random.Random(SEED)
    today = timezone.localdate()
    coordinator = (
        User.objects.filter(memberships__role=MembershipRole.COORDINATOR, is_active=True)
        .order_by("date_joined", "pk")
        .first()
    )
    if coordinator is None:
        return []
    people = People()
    hosts = list(Organisation.objects.members().order_by("sort_name"))
    rng.shuffle(hosts)
    guests = _guest_people()
    past = []
    for index, (kind, title, topics, day) in enumerate(_schedule(today, rng)):
        meeting = _past_meeting(
            kind, title, topics, day, hosts[index % len(hosts)], people, guests, rng, coordinator
        )
        if meeting is not None:
            past.append(meeting)
    recent = sorted(past, key=lambda m: m.start)[-5:]
    for meeting in recent:
        _action_items(meeting, rng, today, open_share=0.6)
    upcoming = _upcoming(hosts, coordinator, guests, rng, today)
    if stdout is not None:
        stdout.write(f"Meetings: {len(past)} past and {upcoming} upcoming demo meetings added.")
    return []
