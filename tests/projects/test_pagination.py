"""The alliance's indicator list in pages: constant queries whatever the number of indicators."""

import pytest
from django.urls import reverse

from projects.views import INDICATORS_PER_PAGE
from tests.factories.projects import IndicatorFactory, IndicatorValueFactory


def _alliance_indicator(position):
    indicator = IndicatorFactory(project=None, name=f"Bündnis-Kennzahl {position:03d}", position=position)
    for year in (2022, 2023, 2024):
        IndicatorValueFactory(indicator=indicator, year=year)
    return indicator


@pytest.mark.django_db
def test_indicator_list_queries_do_not_grow(client, login, rep_a, django_assert_num_queries):
    _alliance_indicator(0)
    login(rep_a)
    url = reverse("projects:indicator_list")
    client.get(url)
    with django_assert_num_queries(6) as one:
        response = client.get(url)
    assert len(response.context["cards"]) == 1
    for position in range(1, INDICATORS_PER_PAGE + 5):
        _alliance_indicator(position)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["cards"]) == INDICATORS_PER_PAGE
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url, {"page": 2})


@pytest.mark.django_db
def test_page_two_shows_the_rest_with_their_values(client, login, coordinator):
    for position in range(INDICATORS_PER_PAGE + 3):
        _alliance_indicator(position)
    login(coordinator)
    first = client.get(reverse("projects:indicator_list"))
    response = client.get(reverse("projects:indicator_list"), {"page": 2})
    assert response.status_code == 200
    names = [card["indicator"].name for card in response.context["cards"]]
    assert names == [
        f"Bündnis-Kennzahl {position:03d}" for position in range(INDICATORS_PER_PAGE, INDICATORS_PER_PAGE + 3)
    ]
    assert all(len(card["rows"]) == 3 for card in response.context["cards"])
    assert "page=2" in first.text
    assert "Bündnis-Kennzahl 000" not in response.text
