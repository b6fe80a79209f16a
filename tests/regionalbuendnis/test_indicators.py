"""Target vs actual: deviation and traffic light with tolerance and "lower is better"."""

from decimal import Decimal

import pytest
from django.utils import translation

from regionalbuendnis.indicators import (
    AMBER,
    GREEN,
    NONE,
    RED,
    deviation,
    deviation_ratio,
    traffic_light,
    traffic_light_label,
)


class TestTrafficLight:
    @pytest.mark.parametrize(
        ("actual", "target", "expected"),
        [
            (4, 4, GREEN),
            (5, 4, GREEN),
            (3.6, 4, AMBER),  # exactly 10 % short: still amber
            (3.59, 4, RED),
            (3, 4, RED),
            (0, 4, RED),
            (0.27, 0.3, AMBER),  # exactly 10 % short in binary-awkward floats
            (0.269, 0.3, RED),
            (2.7, 3, AMBER),
        ],
    )
    def test_higher_is_better(self, actual, target, expected):
        assert traffic_light(actual, target) == expected

    @pytest.mark.parametrize(
        ("actual", "target", "expected"),
        [
            (100, 100, GREEN),
            (80, 100, GREEN),
            (110, 100, AMBER),  # exactly 10 % over: amber
            (110.01, 100, RED),
            (150, 100, RED),
            (0.33, 0.3, AMBER),
            (0.331, 0.3, RED),
        ],
    )
    def test_lower_is_better_is_inverted(self, actual, target, expected):
        assert traffic_light(actual, target, higher_is_better=False) == expected

    @pytest.mark.parametrize(
        ("actual", "tolerance", "expected"),
        [(8, 0.2, AMBER), (7.99, 0.2, RED), (9.99, 0, RED), (10, 0, GREEN), (5, 0.5, AMBER), (4.9, 0.5, RED)],
    )
    def test_tolerance_edges(self, actual, tolerance, expected):
        assert traffic_light(actual, 10, tolerance=tolerance) == expected

    def test_decimal_and_mixed_values(self):
        assert traffic_light(Decimal("3.6"), Decimal("4")) == AMBER
        assert traffic_light(Decimal("3.6"), 4) == AMBER
        assert traffic_light(3.6, Decimal("4")) == AMBER
        assert traffic_light(Decimal("3.59"), 4, tolerance=Decimal("0.1")) == RED
        assert traffic_light(Decimal("110"), Decimal("100"), higher_is_better=False) == AMBER

    def test_missing_values(self):
        assert traffic_light(None, 4) == NONE
        assert traffic_light(4, None) == NONE
        assert traffic_light(None, None, higher_is_better=False) == NONE

    def test_zero_target(self):
        assert traffic_light(0, 0) == GREEN
        assert traffic_light(1, 0) == GREEN
        assert traffic_light(-1, 0) == RED
        assert traffic_light(0, 0, higher_is_better=False) == GREEN
        assert traffic_light(1, 0, higher_is_better=False) == RED

    def test_negative_target_uses_its_size_for_the_tolerance(self):
        # e.g. "change in t CO2" with a target of -100 (lower is better)
        assert traffic_light(-95, -100, higher_is_better=False) == AMBER
        assert traffic_light(-89, -100, higher_is_better=False) == RED
        assert traffic_light(-120, -100, higher_is_better=False) == GREEN


class TestDeviation:
    def test_deviation(self):
        assert deviation(3, 4) == -1
        assert deviation(Decimal("5.5"), Decimal("4")) == Decimal("1.5")
        assert deviation(None, 4) is None
        assert deviation(4, None) is None

    def test_deviation_of_mixed_number_types(self):
        assert deviation(Decimal("5.5"), 4.0) == Decimal("1.5")
        assert deviation(0.3, Decimal("0.1")) == Decimal("0.2")

    def test_ratio(self):
        assert deviation_ratio(5, 4) == 0.25
        assert deviation_ratio(3, 4) == -0.25
        assert deviation_ratio(3, 0) is None
        assert deviation_ratio(None, 4) is None
        assert deviation_ratio(Decimal("5"), 4.0) == Decimal("0.25")


def test_labels_carry_the_meaning_in_both_languages():
    with translation.override("en"):
        assert [traffic_light_label(s) for s in (GREEN, AMBER, RED, NONE)] == [
            "on target",
            "slightly off target",
            "off target",
            "no data",
        ]
    with translation.override("de"):
        labels = [traffic_light_label(s) for s in (GREEN, AMBER, RED, NONE)]
    assert labels == ["im Soll", "knapp verfehlt", "verfehlt", "keine Daten"]
