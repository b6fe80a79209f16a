"""The real alliance: 16 towns and municipalities of Kreis Lippe and the Landesverband Lippe."""

from datetime import date

from .enums import OrganisationKind

FIRST_MEETING = date(2016, 9, 1)

TOWNS = [
    "Bad Salzuflen",
    "Barntrup",
    "Blomberg",
    "Detmold",
    "Horn-Bad Meinberg",
    "Lage",
    "Lemgo",
    "Lügde",
    "Oerlinghausen",
    "Schieder-Schwalenberg",
]
MUNICIPALITIES = ["Augustdorf", "Dörentrup", "Extertal", "Kalletal", "Leopoldshöhe", "Schlangen"]


def _member(name, kind, prefix, **extra):
    return {
        "name": f"{prefix} {name}",
        "short_name": name,
        "kind": kind,
        "is_member": True,
        "active_since": FIRST_MEETING,
        **extra,
    }


ORGANISATIONS = (
    [_member(n, OrganisationKind.TOWN, "Stadt") for n in TOWNS]
    + [_member(n, OrganisationKind.MUNICIPALITY, "Gemeinde") for n in MUNICIPALITIES]
    + [
        {
            "name": "Landesverband Lippe",
            "short_name": "Landesverband Lippe",
            "kind": OrganisationKind.ASSOCIATION,
            "is_member": True,
            "active_since": FIRST_MEETING,
            "address": "Schloss Brake\nLemgo",
        },
        {
            "name": "Kreis Lippe – Masterplanmanagement",
            "short_name": "Kreis Lippe",
            "kind": OrganisationKind.COORDINATOR,
            "is_member": False,
            "active_since": FIRST_MEETING,
            "address": "Detmold",
        },
    ]
)
