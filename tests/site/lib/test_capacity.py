"""The Belgian capacity tariff: each monthly peak counts as at least 2.5 kW."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.site.capacity import CapacityTracker

BRUSSELS = ZoneInfo("Europe/Brussels")


def _at(year: int, month: int, day: int = 10) -> float:
    """Return noon of a Brussels day."""
    return datetime(year, month, day, 12, tzinfo=BRUSSELS).timestamp()


def test_each_monthly_peak_is_floored_before_the_average() -> None:
    """Peaks 0.6, 4.6, 0.0 and 1.0 kW bill (2.5 + 4.6 + 2.5 + 2.5) / 4 kW."""
    capacity = CapacityTracker(BRUSSELS)
    for month, kw in ((3, 0.6), (4, 4.6), (5, 0.0), (6, 1.0)):
        capacity.meter_month_peak(kw, None, _at(2025, month))
    assert capacity.billed_kw(_at(2025, 6, 20), 2.5) == pytest.approx(3.025)
    assert capacity.billed_kw(_at(2025, 3, 20), 2.5) == 2.5
    assert capacity.billed_kw(_at(2025, 4, 20), 2.5) == pytest.approx(3.55)


def test_no_peak_yet_bills_the_minimum() -> None:
    """Without any month of data the minimum is billed."""
    assert CapacityTracker(BRUSSELS).billed_kw(_at(2025, 6), 2.5) == 2.5
