"""The question set a new survey starts from when there is no earlier survey to copy (German and English)."""

from .enums import QuestionKind

USEFULNESS_DE = ["gar nicht nützlich", "wenig nützlich", "teils/teils", "nützlich", "sehr nützlich"]
USEFULNESS_EN = ["not useful at all", "of little use", "partly useful", "useful", "very useful"]

DEFAULT_TITLE_DE = "Feedback-Umfrage des Regionalbündnisses {year}"
DEFAULT_TITLE_EN = "Regionalbündnis feedback survey {year}"
DEFAULT_INTRO_DE = (
    "Jedes Jahr im vierten Quartal bittet das Masterplanmanagement des Kreises Lippe die Mitglieder "
    "um ihre Rückmeldung zum Regionalbündnis 2050. Die Antworten fließen in das Erfolgscontrolling "
    "ein und helfen, das Arbeitsprogramm für das kommende Jahr zu planen. Das Ausfüllen dauert etwa "
    "fünf Minuten."
)
DEFAULT_INTRO_EN = (
    "Every year in the fourth quarter, the Masterplan management of Kreis Lippe asks the members for "
    "their feedback on the Regionalbündnis 2050. The answers go into the success controlling and help "
    "to plan next year's work programme. It takes about five minutes."
)

DEFAULT_QUESTIONS = [
    {
        "kind": QuestionKind.SCALE,
        "required": True,
        "is_satisfaction": True,
        "text_de": "Wie zufrieden sind Sie insgesamt mit der Arbeit des Regionalbündnisses in diesem Jahr?",
        "text_en": "Overall, how satisfied are you with the work of the alliance this year?",
        "scale_labels_de": [
            "sehr unzufrieden",
            "eher unzufrieden",
            "teils/teils",
            "eher zufrieden",
            "sehr zufrieden",
        ],
        "scale_labels_en": [
            "very dissatisfied",
            "rather dissatisfied",
            "neither",
            "rather satisfied",
            "very satisfied",
        ],
    },
    {
        "kind": QuestionKind.SCALE,
        "text_de": "Wie nützlich waren die Sitzungen des Regionalbündnisses für Ihre Arbeit?",
        "text_en": "How useful were the alliance's meetings for your work?",
        "scale_labels_de": USEFULNESS_DE,
        "scale_labels_en": USEFULNESS_EN,
    },
    {
        "kind": QuestionKind.SCALE,
        "text_de": "Wie nützlich waren die thematischen Workshops für Ihre Arbeit?",
        "text_en": "How useful were the thematic workshops for your work?",
        "help_de": "Lassen Sie die Frage aus, wenn Sie an keinem Workshop teilgenommen haben.",
        "help_en": "Leave this question out if you did not attend a workshop.",
        "scale_labels_de": USEFULNESS_DE,
        "scale_labels_en": USEFULNESS_EN,
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "allows_other": True,
        "text_de": "Welche Themen wünschen Sie sich für das kommende Jahr?",
        "text_en": "Which topics would you like the alliance to take up next year?",
        "help_de": "Mehrfachnennungen sind möglich.",
        "help_en": "Choose as many as you like.",
        "options_de": [
            "Kommunale Wärmeplanung",
            "Energiemanagement kommunaler Gebäude",
            "Quartierssanierung",
            "Mobilität und Radverkehr (Stadtradeln)",
            "Erneuerbare Energien (Photovoltaik, Wind)",
            "Klimaanpassung",
            "Fördermittel und Finanzierung",
            "Öffentlichkeitsarbeit und Bürgerbeteiligung",
        ],
        "options_en": [
            "Municipal heat planning",
            "Energy management of municipal buildings",
            "Neighbourhood retrofits",
            "Mobility and cycling (Stadtradeln)",
            "Renewable energy (solar, wind)",
            "Climate adaptation",
            "Funding and finance",
            "Public relations and citizen participation",
        ],
    },
    {
        "kind": QuestionKind.SINGLE,
        "text_de": "Wie oft sollte sich das Regionalbündnis treffen?",
        "text_en": "How often should the alliance meet?",
        "options_de": ["Zweimal im Jahr", "Vierteljährlich (wie bisher)", "Alle zwei Monate", "Monatlich"],
        "options_en": ["Twice a year", "Quarterly (as now)", "Every two months", "Monthly"],
    },
    {
        "kind": QuestionKind.TEXT,
        "text_de": "Was möchten Sie uns sonst noch mitteilen?",
        "text_en": "Is there anything else you would like to tell us?",
        "help_de": (
            "Lob, Kritik, Anregungen. Bei einer anonymen Umfrage nennen Sie bitte nichts, "
            "woran man Sie erkennt."
        ),
        "help_en": (
            "Praise, criticism, ideas. In an anonymous survey, please leave out anything that identifies you."
        ),
    },
]
