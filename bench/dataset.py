"""The benchmark dataset: 400 member organisations, 4,000 people, 10 years × 200 meetings × 40
invitees with answers and attendance, projects with indicators, surveys with answers.

Built with bulk_create in a few minutes; kept between runs (a marker row tells it is complete).
"""

import datetime
import random
import time
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from members.enums import MembershipRole, OrganisationKind
from members.models import Membership, Organisation, User, german_sort_key

BERLIN = ZoneInfo("Europe/Berlin")
ORGANISATIONS = 400
PEOPLE_PER_ORGANISATION = 10
YEARS = 10
MEETINGS_PER_YEAR = 200
INVITEES = 40
FIRST_YEAR = 2016
COORDINATOR_EMAIL = "bench-coordinator@example.org"
MARKER_EMAIL = "bench-dataset-complete@example.org"


def coordinator():
    return User.objects.get(email=COORDINATOR_EMAIL)


def _sizes():
    from meetings.models import Attendance, Invitation, Meeting

    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "meetings": Meeting.objects.count(),
        "invitations": Invitation.objects.count(),
        "attendances": Attendance.objects.count(),
    }


def _truncate_all():
    from django.apps import apps

    tables = [
        model._meta.db_table
        for app in ("members", "meetings", "projects", "surveys", "controlling")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def build(*, rebuild: bool = False, scale: float = 1.0) -> dict:
    if not rebuild and User.objects.filter(email=MARKER_EMAIL).exists():
        return _sizes()
    started = time.perf_counter()
    _truncate_all()
    rng = random.Random(2050)
    with transaction.atomic():
        people_by_org = _members(rng, scale)
        _meetings(rng, scale, people_by_org)
        for extra in EXTRA_BUILDERS:
            extra(rng, scale, people_by_org)
        User.objects.create(email=MARKER_EMAIL, full_name="bench marker", is_active=False)
    print(f"Dataset built in {time.perf_counter() - started:.0f} s")
    return _sizes()


def _members(rng, scale):
    password = make_password("bench-password")
    count = max(int(ORGANISATIONS * scale), 17)
    coordinator_org = Organisation.objects.create(
        name="Kreis Lippe – Masterplanmanagement",
        short_name="Kreis Lippe",
        slug="kreis-lippe",
        kind=OrganisationKind.COORDINATOR,
        is_member=False,
        active_since=datetime.date(2016, 9, 1),
        sort_name=german_sort_key("Kreis Lippe – Masterplanmanagement"),
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Kommune {n:03d}",
            short_name=f"K{n:03d}",
            slug=f"kommune-{n:03d}",
            kind=OrganisationKind.TOWN if n % 3 else OrganisationKind.MUNICIPALITY,
            is_member=True,
            active_since=datetime.date(2016, 9, 1),
            sort_name=german_sort_key(f"Kommune {n:03d}"),
        )
        for n in range(count)
    )
    boss = User.objects.create(email=COORDINATOR_EMAIL, full_name="Bench Koordination", password=password)
    Membership.objects.create(
        person=boss,
        organisation=coordinator_org,
        role=MembershipRole.COORDINATOR,
        start=datetime.date(2016, 9, 1),
    )
    people = User.objects.bulk_create(
        User(
            email=f"p{org_index}-{n}@bench.example",
            full_name=f"Person {org_index}-{n}",
            password=password,
            calendar_token=f"bench-{org_index}-{n}",
        )
        for org_index in range(count)
        for n in range(PEOPLE_PER_ORGANISATION)
    )
    memberships = []
    people_by_org = {}
    for index, organisation in enumerate(organisations):
        staff = people[index * PEOPLE_PER_ORGANISATION : (index + 1) * PEOPLE_PER_ORGANISATION]
        people_by_org[organisation.pk] = staff
        for position, person in enumerate(staff):
            role = MembershipRole.REPRESENTATIVE if position == 0 else MembershipRole.DEPUTY
            memberships.append(
                Membership(
                    person=person, organisation=organisation, role=role, start=datetime.date(2016, 9, 1)
                )
            )
    Membership.objects.bulk_create(memberships)
    return people_by_org


def _meetings(rng, scale, people_by_org):
    from meetings.enums import AttendanceSource, InvitationRole, MeetingKind, MeetingStatus, Response
    from meetings.models import Attendance, Invitation, Meeting

    org_ids = list(people_by_org)
    per_year = max(int(MEETINGS_PER_YEAR * scale), 4)
    today = datetime.date.today()
    meetings = []
    for year in range(today.year - YEARS + 1, today.year + 1):
        for n in range(per_year):
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=(n * 365) // per_year)
            start = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=BERLIN)
            past = day < today
            meetings.append(
                Meeting(
                    kind=MeetingKind.WORKSHOP if n % 4 == 0 else MeetingKind.MEETING,
                    title=f"Treffen {year}-{n:03d}",
                    description="Benchmark",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    venue="Rathaus",
                    host_organisation_id=rng.choice(org_ids),
                    status=MeetingStatus.HELD if past else MeetingStatus.PUBLISHED,
                    attendance_recorded_at=start + datetime.timedelta(hours=3) if past else None,
                    check_in_code=f"bench{year}{n}",
                )
            )
    meetings = Meeting.objects.bulk_create(meetings)
    answers = [Response.YES, Response.YES, Response.NO, Response.MAYBE, Response.PENDING]
    invitations, attendances = [], []
    for meeting in meetings:
        past = meeting.status == MeetingStatus.HELD
        for org_id in rng.sample(org_ids, INVITEES // 2):
            for person in people_by_org[org_id][:2]:
                response = rng.choice(answers)
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        person=person,
                        organisation_id=org_id,
                        role=InvitationRole.REPRESENTATIVE,
                        response=response,
                    )
                )
                if past:
                    attendances.append(
                        Attendance(
                            meeting=meeting,
                            person=person,
                            organisation_id=org_id,
                            present=response != Response.NO and rng.random() < 0.85,
                            source=AttendanceSource.IMPORT,
                        )
                    )
    Invitation.objects.bulk_create(invitations, batch_size=5000)
    Attendance.objects.bulk_create(attendances, batch_size=5000)


# Other apps' parts of the dataset (projects, surveys): functions (rng, scale, people_by_org).
EXTRA_BUILDERS = []


def task_measurements():
    """(name, callable returning a dict of figures) for the non-page measurements."""
    return []
