"""Minutes in Markdown shown safely; decisions and action items with owner and due date; dashboard."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.markdown import render_markdown
from meetings.models import ActionItem
from tests.factories.meetings import ActionItemFactory

pytestmark = pytest.mark.django_db


class TestMarkdown:
    def test_formatting_is_rendered(self):
        html = render_markdown("# Protokoll\n\n**Beschluss:** Teilnahme am *Stadtradeln*\n\n- TOP 1\n- TOP 2")
        assert "<h2>Protokoll</h2>" in html
        assert "<strong>Beschluss:</strong>" in html and "<em>Stadtradeln</em>" in html
        assert "<li>TOP 1</li>" in html

    @pytest.mark.parametrize(
        "text,forbidden",
        [
            ("<script>alert(1)</script>", "<script"),
            ('<img src=x onerror="alert(1)">', "onerror"),
            ("[klick](javascript:alert(1))", "javascript:"),
            ('<a href="https://x.example" style="color:red">x</a>', "style="),
            ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ],
    )
    def test_dangerous_html_is_removed(self, text, forbidden):
        assert forbidden not in render_markdown(text)

    def test_links_are_kept_safely(self):
        html = render_markdown("[Förderprogramm](https://www.kommunalrichtlinie.de)")
        assert 'href="https://www.kommunalrichtlinie.de"' in html
        assert "noopener" in html


class TestMinutesPage:
    def test_coordinator_writes_minutes_invitees_read_them(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        url = reverse("meetings:minutes", args=[past_meeting.pk])
        response = client.post(
            url,
            {
                "minutes": "## Ergebnisse\n\nPV-Potenzialanalyse <script>x()</script>",
                "revision": past_meeting.revision,
            },
        )
        assert response.status_code == 302
        past_meeting.refresh_from_db()
        assert past_meeting.minutes_updated_at is not None
        page = login(people["rep_b"]).get(past_meeting.get_absolute_url()).content.decode()
        assert "<h3>Ergebnisse</h3>" in page
        assert "<script>x()" not in page

    def test_representatives_cannot_write_minutes(self, login, people, past_meeting, client):
        client = login(people["rep_a"])
        response = client.post(
            reverse("meetings:minutes", args=[past_meeting.pk]), {"minutes": "x", "revision": 0}
        )
        assert response.status_code == 403
        past_meeting.refresh_from_db()
        assert past_meeting.minutes == ""

    def test_no_minutes_for_drafts(self, people, draft_meeting):
        with pytest.raises(ValidationError):
            services.meeting_minutes_update(
                meeting=draft_meeting, by=people["coordinator"], minutes="x", revision=draft_meeting.revision
            )


class TestActionItems:
    def test_add_with_owner_and_due_date(self, login, people, past_meeting, client, member_a):
        client = login(people["coordinator"])
        due = timezone.localdate() + datetime.timedelta(days=30)
        response = client.post(
            reverse("meetings:action_item_create", args=[past_meeting.pk]),
            {
                "action-title": "Dachflächen melden",
                "action-owner": people["rep_a"].pk,
                "action-owner_organisation": member_a.pk,
                "action-due_date": due.isoformat(),
            },
        )
        assert response.status_code == 302
        item = ActionItem.objects.get()
        assert (item.owner, item.owner_organisation, item.due_date) == (people["rep_a"], member_a, due)
        page = login(people["rep_b"]).get(past_meeting.get_absolute_url()).content.decode()
        assert "Dachflächen melden" in page

    def test_title_is_required(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        response = client.post(
            reverse("meetings:action_item_create", args=[past_meeting.pk]), {"action-title": ""}
        )
        assert response.status_code == 400
        assert not ActionItem.objects.exists()

    def test_owner_and_coordinator_mark_done_others_cannot(self, login, people, past_meeting, client):
        item = ActionItemFactory(meeting=past_meeting, owner=people["rep_a"])
        url = reverse("meetings:action_item_done", args=[item.pk])
        assert login(people["rep_b"]).post(url, {"done": "1"}).status_code == 403
        item.refresh_from_db()
        assert item.done_at is None
        assert login(people["rep_a"]).post(url, {"done": "1"}).status_code == 302
        item.refresh_from_db()
        assert item.done_at is not None
        login(people["coordinator"]).post(url, {"done": "0"})
        item.refresh_from_db()
        assert item.done_at is None
        with pytest.raises(PermissionDenied):
            services.action_item_set_done(item=item, by=people["deputy_a"], done=True)

    def test_open_items_across_meetings_on_the_dashboard(
        self, login, people, past_meeting, published_meeting
    ):
        ActionItemFactory(meeting=past_meeting, title="Förderantrag vorbereiten", owner=people["rep_a"])
        ActionItemFactory(meeting=published_meeting, title="Pressemitteilung abstimmen")
        ActionItemFactory(meeting=past_meeting, title="Erledigte Aufgabe", done_at=timezone.now())
        ActionItemFactory(
            meeting=past_meeting,
            title="Überfällig",
            due_date=timezone.localdate() - datetime.timedelta(days=3),
        )
        page = login(people["rep_b"]).get(reverse("dashboard")).content.decode()
        assert "Förderantrag vorbereiten" in page and "Pressemitteilung abstimmen" in page
        assert "Erledigte Aufgabe" not in page
        assert 'class="overdue"' in page
        listing = login(people["rep_b"]).get(reverse("meetings:action_items")).content.decode()
        assert "Überfällig" in listing and "Erledigte Aufgabe" not in listing

    def test_dashboard_hides_items_of_meetings_i_cannot_see(self, login, people, draft_meeting):
        ActionItemFactory(meeting=draft_meeting, title="Geheimer Entwurf")
        assert "Geheimer Entwurf" not in login(people["rep_a"]).get(reverse("dashboard")).content.decode()
        assert "Geheimer Entwurf" in login(people["coordinator"]).get(reverse("dashboard")).content.decode()

    def test_dashboard_shows_my_next_meetings(self, login, people, published_meeting):
        page = login(people["rep_a"]).get(reverse("dashboard")).content.decode()
        assert published_meeting.title in page
