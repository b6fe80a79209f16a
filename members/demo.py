"""Demo people for `seed_demo`: a representative and a deputy per member, coordinators."""

from .alliance import FIRST_MEETING
from .enums import MembershipRole
from .models import Membership, Organisation, User, german_slug, german_sort_key
from .services import membership_create, person_create

DEMO_PASSWORD = "Klima2050!"
COORDINATOR_EMAIL = "koordination@kreis-lippe.example"
ENGLISH_SPEAKING_MEMBER = "Lügde"

# Invented names; the addresses use the reserved .example domain, so no mail reaches anyone.
FIRST_NAMES = [
    "Anna",
    "Bernd",
    "Claudia",
    "Dirk",
    "Elke",
    "Frank",
    "Gisela",
    "Heiko",
    "Ines",
    "Jörg",
    "Katrin",
    "Lars",
    "Monika",
    "Norbert",
    "Olga",
    "Peter",
    "Renate",
    "Stefan",
    "Tanja",
    "Uwe",
    "Vera",
    "Werner",
    "Yvonne",
    "Züleyha",
    "Andreas",
    "Birgit",
    "Carsten",
    "Doris",
    "Emre",
    "Fatma",
    "Günter",
    "Hanna",
    "Ingo",
    "Julia",
]
LAST_NAMES = [
    "Meier",
    "Schäfer",
    "Krüger",
    "Wöhler",
    "Brandt",
    "Husemann",
    "Pöppel",
    "Lüking",
    "Nolte",
    "Tölle",
    "Vogt",
    "Kleine",
    "Düsterhus",
    "Brökelmann",
    "Sieker",
    "Hölscher",
    "Strate",
]


def _email(name: str, org: Organisation) -> str:
    local = german_slug(name).replace("-", ".")
    return f"{local}@{german_slug(org.short_name or org.name)}.example"


def _person(full_name, email, password=DEMO_PASSWORD, language="de"):
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        person = person_create(
            full_name=full_name, email=email, password=password, preferred_language=language
        )
    return person


def _membership(person, organisation, role, start):
    exists = Membership.objects.filter(person=person, organisation=organisation, role=role).exists()
    if not exists:
        membership_create(person=person, organisation=organisation, role=role, start=start)


def seed(stdout=None) -> list[tuple[str, str, str]]:
    """Returns (role, e-mail, password) of the demo logins."""
    logins = []
    coordinator_org = Organisation.objects.get(kind="coordinator")
    coordinator = _person("Miriam Koordinatorin", COORDINATOR_EMAIL)
    _membership(coordinator, coordinator_org, MembershipRole.COORDINATOR, FIRST_MEETING)
    logins.append(("Koordination / coordinator", coordinator.email, DEMO_PASSWORD))
    colleague = _person("Tobias Klimaschutz", "klimaschutz@kreis-lippe.example")
    _membership(colleague, coordinator_org, MembershipRole.COORDINATOR, FIRST_MEETING)

    # Names are handed out by full name ("Gemeinde …", "Landesverband …", "Stadt …"), not by the
    # directory order, so the logins listed in the README stay the same if that order changes.
    members = sorted(Organisation.objects.members(), key=lambda org: german_sort_key(org.name))
    for index, org in enumerate(members):
        rep_name = f"{FIRST_NAMES[(2 * index) % len(FIRST_NAMES)]} {LAST_NAMES[index % len(LAST_NAMES)]}"
        dep_name = (
            f"{FIRST_NAMES[(2 * index + 1) % len(FIRST_NAMES)]} {LAST_NAMES[(index + 7) % len(LAST_NAMES)]}"
        )
        # One representative prefers English, to show e-mails and pages in both languages.
        language = "en" if org.short_name == ENGLISH_SPEAKING_MEMBER else "de"
        representative = _person(rep_name, _email(rep_name, org), language=language)
        deputy = _person(dep_name, _email(dep_name, org))
        _membership(representative, org, MembershipRole.REPRESENTATIVE, FIRST_MEETING)
        _membership(deputy, org, MembershipRole.DEPUTY, FIRST_MEETING)
        if org.short_name in ("Detmold", "Lemgo", "Lügde"):
            logins.append(
                (f"Vertretung / representative {org.short_name}", representative.email, DEMO_PASSWORD)
            )
            logins.append((f"Stellvertretung / deputy {org.short_name}", deputy.email, DEMO_PASSWORD))

    # A former representative of Lemgo, so history shows how a handover looks.
    lemgo = Organisation.objects.get(short_name="Lemgo")
    former = _person("Hartmut Vorgänger", "hartmut.vorgaenger@lemgo.example")
    if not Membership.objects.filter(person=former).exists():
        from datetime import date

        Membership.objects.filter(organisation=lemgo, role=MembershipRole.REPRESENTATIVE).update(
            start=date(2021, 1, 1)
        )
        membership_create(
            person=former,
            organisation=lemgo,
            role=MembershipRole.REPRESENTATIVE,
            start=FIRST_MEETING,
            end=date(2020, 12, 31),
        )
    return logins
