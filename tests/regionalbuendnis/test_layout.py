"""The base layout: local assets only, strict CSP, accessible landmarks, dashboard."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_assets_are_served_by_the_app(client):
    text = client.get(reverse("login")).text
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js|svg))"', text)
    assert assets, text
    for url in assets:
        assert url.startswith("/static/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content) if response.streaming else response.content


def test_no_inline_scripts_or_styles(client, login, coordinator):
    login(coordinator)
    for url in (reverse("dashboard"), reverse("members:organisation_list"), reverse("members:people_list")):
        text = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), url
        assert " style=" not in text, url
        assert " onclick=" not in text, url


def test_content_security_policy_header(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_landmarks_and_skip_link(client, login, rep_a):
    login(rep_a)
    text = client.get(reverse("dashboard")).text
    assert 'href="#main"' in text and 'id="main"' in text
    assert "<nav" in text and "<main" in text
    assert text.count("<h1") == 1


def test_dashboard_for_anonymous_redirects_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_dashboard_greets_the_person(client, login, deputy_a):
    login(deputy_a)
    response = client.get(reverse("dashboard"))
    assert f"Willkommen, {deputy_a.full_name}" in response.text
    assert "Stellvertreter·in – Stadt Detmold" in response.text
