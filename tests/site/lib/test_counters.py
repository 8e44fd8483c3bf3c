"""The site's ledger and bad counter readings: returning counters, bad storage."""

from datetime import datetime
import math
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.site.engine import (
    CounterSpec,
    SiteEngine,
    SiteInputs,
)
from custom_components.energy_monitor.lib.site.ledger import Channel, Period
from custom_components.energy_monitor.lib.site.tariff import parse_tariffs

BRUSSELS = ZoneInfo("Europe/Brussels")
INPUTS = SiteInputs(counters=(CounterSpec("import", Channel.IMPORT),))


def _at(hour: int, minute: int = 0) -> float:
    """Return a Brussels wall time on 2024-06-03."""
    return datetime(2024, 6, 3, hour, minute, tzinfo=BRUSSELS).timestamp()


def _engine() -> SiteEngine:
    """Return a site importing at 0.25 per kWh, created at 08:00."""
    tariffs = parse_tariffs([{"import": {"mode": "fixed", "rate": 0.25}}])
    return SiteEngine(INPUTS, tariffs, BRUSSELS, _at(8))


def test_returning_counter_books_only_its_growth() -> None:
    """18234.567 -> 0 -> 0 (15 min) -> 18234.9: 0.333 kWh, not the register."""
    engine = _engine()
    engine.counter("import", 18_234.567, _at(9))
    for minute in range(1, 20):
        engine.counter("import", 0.0, _at(9, minute))
    engine.counter("import", 18_234.9, _at(9, 20))
    today = engine.ledger.shown(Period.TODAY)
    assert today.imported == pytest.approx(0.333)
    assert today.cost_import == pytest.approx(0.333 * 0.25)
    assert engine.stats.resets == 0


def test_implausible_readings_are_no_reading() -> None:
    """NaN, infinity and max float move nothing and are counted."""
    engine = _engine()
    engine.counter("import", 100.0, _at(9))
    for value in (math.nan, math.inf, 3.4e38):
        engine.counter("import", value, _at(9, 30))
    engine.counter("import", 101.0, _at(10))
    assert engine.ledger.shown(Period.TODAY).imported == pytest.approx(1.0)
    assert engine.diagnostics()["values_rejected"] == {"grid_elec_import": 3}


def test_unusable_stored_baseline_is_dropped() -> None:
    """A stored NaN (null) baseline is left out: the next reading is the new one."""
    engine = _engine()
    engine.counter("import", 100.0, _at(9))
    stored = engine.dump()
    stored["baselines"]["import"] = [None, _at(9)]
    restored = _engine()
    restored.load(stored)
    restored.counter("import", 105.0, _at(10))
    restored.counter("import", 106.0, _at(11))
    assert restored.ledger.shown(Period.TODAY).imported == pytest.approx(1.0)
