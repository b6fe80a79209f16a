"""Data migrations of the meetings app, run forwards on rows of the state before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0004_invitation_promoted_at")]
AFTER = [("meetings", "0005_deputy_only_with_no")]


@pytest.mark.django_db(transaction=True)
def test_a_deputy_sent_with_maybe_is_no_longer_sent():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation = old.get_model("members", "Organisation").objects.create(
        name="Stadt Detmold", slug="detmold"
    )
    meeting = old.get_model("meetings", "Meeting").objects.create(
        title="Sitzung", start="2026-03-01T13:00Z", end="2026-03-01T15:00Z", status="published"
    )
    User = old.get_model("members", "User")
    Invitation = old.get_model("meetings", "Invitation")
    answers = {"maybe": "maybe@detmold.example", "no": "no@detmold.example", "yes": "yes@detmold.example"}
    for response, email in answers.items():
        Invitation.objects.create(
            meeting=meeting,
            person=User.objects.create(email=email, full_name=email),
            organisation=organisation,
            role="representative",
            response=response,
            sends_deputy=True,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps.get_model("meetings", "Invitation")
    sent = {i.response: i.sends_deputy for i in new.objects.all()}
    assert sent == {"maybe": False, "no": True, "yes": False}
    executor.migrate(executor.loader.graph.leaf_nodes())
