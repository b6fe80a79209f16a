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
    from projects.models import Indicator, IndicatorValue, Project
    from surveys.models import Answer, Survey

    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "meetings": Meeting.objects.count(),
        "invitations": Invitation.objects.count(),
        "attendances": Attendance.objects.count(),
        "projects": Project.objects.count(),
        "indicators": Indicator.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
        "surveys": Survey.objects.count(),
        "answers": Answer.objects.count(),
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


def _analyze():
    # What autovacuum does after a bulk load (since PostgreSQL 13 also for inserts alone): fresh
    # planner statistics (else it estimates the tables as nearly empty and picks nested loops) and
    # the visibility map (else no index-only scan, e.g. counting attendances per meeting).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def build(*, rebuild: bool = False, scale: float = 1.0) -> dict:
    if not rebuild and User.objects.filter(email=MARKER_EMAIL).exists():
        _analyze()
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
    _analyze()
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
    # Ten years of meetings ending a year from now: the last year's are upcoming and published, so
    # the reminder sweep goes over 200 × 40 = 8,000 invitations; every past calendar year is full.
    first_day = today + datetime.timedelta(days=1) - datetime.timedelta(days=365 * (YEARS - 1))
    meetings = []
    for year_index in range(YEARS):
        for n in range(per_year):
            day = first_day + datetime.timedelta(days=365 * year_index + (n * 365) // per_year)
            start = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=BERLIN)
            past = day < today
            meetings.append(
                Meeting(
                    kind=MeetingKind.WORKSHOP if n % 4 == 0 else MeetingKind.MEETING,
                    title=f"Treffen {day.year}-{year_index}-{n:03d}",
                    description="Benchmark",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    venue="Rathaus",
                    host_organisation_id=rng.choice(org_ids),
                    status=MeetingStatus.HELD if past else MeetingStatus.PUBLISHED,
                    attendance_recorded_at=start + datetime.timedelta(hours=3) if past else None,
                    check_in_code=f"bench{year_index}-{n}",
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
    _invitations_sent(invitations)


def _invitations_sent(invitations):
    """The invitation e-mails of upcoming meetings went out ten days ago: reminders fall due."""
    from django.utils import timezone

    from meetings.enums import DeliveryKind, DeliveryStatus, MeetingStatus
    from meetings.models import Delivery

    sent_at = timezone.now() - datetime.timedelta(days=10)
    Delivery.objects.bulk_create(
        (
            Delivery(
                kind=DeliveryKind.INVITATION,
                object_key=f"meeting:{invitation.meeting_id}",
                email=invitation.person.email,
                recipient=invitation.person,
                meeting_id=invitation.meeting_id,
                status=DeliveryStatus.SENT,
                attempts=1,
                version=0,
                sent_at=sent_at,
            )
            for invitation in invitations
            if invitation.meeting.status == MeetingStatus.PUBLISHED
        ),
        batch_size=5000,
    )


PROJECTS = 500
INDICATORS_PER_PROJECT = 2
ALLIANCE_INDICATORS = 10
SURVEY_QUESTIONS = 8


def _years():
    today = datetime.date.today()
    return range(today.year - YEARS + 1, today.year + 1)


def _projects(rng, scale, people_by_org):
    """500 joint projects with participants, a status history, indicators and yearly values."""
    from projects.enums import ActivityStatus, Field, ProjectStatus
    from projects.models import ClimateActivity, Indicator, IndicatorValue, Project, StatusChange

    org_ids = list(people_by_org)
    years = list(_years())
    statuses = (
        [ProjectStatus.RUNNING] * 4
        + [ProjectStatus.COMPLETED] * 3
        + [
            ProjectStatus.PLANNED,
            ProjectStatus.IDEA,
            ProjectStatus.PAUSED,
        ]
    )
    fields = list(Field.values)
    count = max(int(PROJECTS * scale), 10)
    projects = Project.objects.bulk_create(
        Project(
            title=f"Projekt {n:03d}",
            summary="Benchmark",
            field=fields[n % len(fields)],
            lead_organisation_id=rng.choice(org_ids),
            start=datetime.date(rng.choice(years), 1 + n % 12, 1),
            status=statuses[n % len(statuses)],
        )
        for n in range(count)
    )
    Participation = Project.participants.through
    Participation.objects.bulk_create(
        Participation(project_id=project.pk, organisation_id=org_id)
        for project in projects
        for org_id in rng.sample(org_ids, 8)
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            project=project,
            from_status="" if project.status == ProjectStatus.IDEA else ProjectStatus.RUNNING,
            to_status=project.status,
            changed_on=project.start + datetime.timedelta(days=200),
        )
        for project in projects
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(project=project, name=f"Kennzahl {n}", unit="t CO2", position=n)
            for project in projects
            for n in range(INDICATORS_PER_PROJECT)
        ]
        + [
            Indicator(name=f"Bündnis-Kennzahl {n}", unit="MWh", position=n)
            for n in range(ALLIANCE_INDICATORS)
        ]
    )
    values = []
    for indicator in indicators:
        for year in years:
            values.append(
                IndicatorValue(indicator=indicator, year=year, target=100, actual=rng.randint(50, 150))
            )
            if indicator.project_id is None:
                values.extend(
                    IndicatorValue(
                        indicator=indicator, year=year, organisation_id=org_id, actual=rng.randint(1, 20)
                    )
                    for org_id in org_ids
                )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    ClimateActivity.objects.bulk_create(
        (
            ClimateActivity(
                organisation_id=org_id,
                title=f"Maßnahme {org_id}-{year}",
                field=fields[(org_id + year) % len(fields)],
                year=year,
                status=ActivityStatus.COMPLETED if year < years[-1] else ActivityStatus.RUNNING,
            )
            for org_id in org_ids
            for year in years
        ),
        batch_size=5000,
    )


def _surveys(rng, scale, people_by_org):
    """One yearly survey each year, sent to representatives and deputies, about 60 % answering."""
    from surveys.enums import QuestionKind, SurveyStatus
    from surveys.models import Answer, Question, Recipient, Response, Survey

    today = datetime.date.today()
    kinds = [QuestionKind.SCALE, QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE]
    kinds += [QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.TEXT]
    labels = ["sehr schlecht", "schlecht", "mittel", "gut", "sehr gut"]
    options = ["Ja", "Nein", "Teilweise", "Weiß nicht"]
    recipients, responses, answers = [], [], []
    for year in _years():
        send_on, closes_on = datetime.date(year, 10, 1), datetime.date(year, 11, 30)
        is_open = closes_on >= today
        opened_at = datetime.datetime.combine(send_on, datetime.time(8), tzinfo=BERLIN)
        survey = Survey.objects.create(
            year=year,
            title_de=f"Feedback-Umfrage {year}",
            title_en=f"Feedback survey {year}",
            status=SurveyStatus.OPEN if is_open else SurveyStatus.CLOSED,
            send_on=send_on,
            closes_on=closes_on,
            reminder_offsets=[14, 3],
            opened_at=opened_at,
            closed_at=None
            if is_open
            else datetime.datetime.combine(closes_on, datetime.time(23), tzinfo=BERLIN),
        )
        questions = Question.objects.bulk_create(
            Question(
                survey=survey,
                position=n,
                kind=kind,
                text_de=f"Frage {n}",
                text_en=f"Question {n}",
                is_satisfaction=n == 0,
                scale_labels_de=labels if kind == QuestionKind.SCALE else [],
                scale_labels_en=labels if kind == QuestionKind.SCALE else [],
                options_de=options if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
                options_en=options if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
            )
            for n, kind in enumerate(kinds[:SURVEY_QUESTIONS])
        )
        for org_id, staff in people_by_org.items():
            for person in staff[:2]:
                answered = rng.random() < 0.6
                recipients.append(
                    Recipient(
                        survey=survey,
                        person=person,
                        organisation_id=org_id,
                        role=MembershipRole.REPRESENTATIVE if person is staff[0] else MembershipRole.DEPUTY,
                        email=person.email,
                        name=person.full_name,
                        invited_on=send_on,
                        answered=answered,
                    )
                )
                if not answered:
                    continue
                response = Response(survey=survey)
                responses.append(response)
                for question in questions:
                    answer = Answer(response=response, question=question)
                    if question.kind == QuestionKind.SCALE:
                        answer.scale_value = rng.randint(1, 5)
                    elif question.kind == QuestionKind.SINGLE:
                        answer.choices = [rng.randrange(len(options))]
                    elif question.kind == QuestionKind.MULTIPLE:
                        answer.choices = sorted(rng.sample(range(len(options)), 2))
                    else:
                        answer.text = "Weiter so."
                    answers.append(answer)
    Recipient.objects.bulk_create(recipients, batch_size=5000)
    Response.objects.bulk_create(responses, batch_size=5000)
    Answer.objects.bulk_create(answers, batch_size=5000)


# Other apps' parts of the dataset (projects, surveys): functions (rng, scale, people_by_org).
EXTRA_BUILDERS = [_projects, _surveys]


def task_measurements():
    """(name, callable returning a dict of figures) for the non-page measurements."""
    from bench import tasks, urls_bench

    user, year = coordinator(), urls_bench.controlling_year()
    return [
        ("controlling JSON (one year)", lambda: tasks.controlling_json(user, year)),
        ("controlling PDF (one year)", lambda: tasks.controlling_pdf(user, year)),
        ("import_history (5,000 rows)", tasks.history_import),
        ("delivery sweep", lambda: tasks.delivery_sweep(hour=20)),
        ("delivery sweep (digest due)", lambda: tasks.delivery_sweep(hour=7)),
    ]
