"""The Belgian simulator's capacity-tariff registers look like a real meter's."""

from datetime import datetime
import re

from simulators.p1 import ZONE, P1TelegramBuilder, P1Variant

PEAK = re.compile(rb"1-0:1\.6\.0\((\d{12})([SW])\)\((\d+\.\d{3})\*kW\)")


def month_peak(moment: datetime) -> tuple[str, float]:
    """Return the stamp and value of 1-0:1.6.0 a fresh meter sends at ``moment``."""
    telegram = P1TelegramBuilder(P1Variant.BELGIUM).build(moment)
    found = PEAK.search(telegram)
    assert found is not None
    return found.group(1).decode(), float(found.group(3))


def test_month_peak_from_before_the_start() -> None:
    """Mid-month the meter already has a peak: yesterday evening, 1.5-4.5 kW."""
    stamp, value = month_peak(datetime(2026, 12, 5, 16, 20, tzinfo=ZONE))
    assert stamp == "261204181500"
    assert 1.5 <= value <= 4.5


def test_no_peak_yet_on_the_first_day() -> None:
    """On the month's first day there is none yet: 0 kW at the month's start."""
    stamp, value = month_peak(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))
    assert (stamp, value) == ("261201000000", 0.0)
