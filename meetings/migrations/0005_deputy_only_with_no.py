"""Sending the deputy goes with one's own "no" only (services.invitation_respond). Before that rule
an answer "maybe" could be saved with the deputy sent; such answers keep their "maybe" and lose the
deputy, as the answer form now does when the answer is changed."""

from django.db import migrations


def deputy_only_with_no(apps, schema_editor):
    Invitation = apps.get_model("meetings", "Invitation")
    Invitation.objects.filter(sends_deputy=True).exclude(response="no").update(sends_deputy=False)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_invitation_promoted_at")]

    operations = [migrations.RunPython(deputy_only_with_no, migrations.RunPython.noop)]
