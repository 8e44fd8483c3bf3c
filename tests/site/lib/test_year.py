"""A real household's year through the site engine, against a plain reference bill."""

from datetime import date

import pytest

from custom_components.energy_monitor.lib.site.engine import (
    CounterSpec,
    SiteEngine,
    SiteInputs,
)
from custom_components.energy_monitor.lib.site.ledger import Channel, Period, Totals
from custom_components.energy_monitor.lib.site.tariff import parse_tariffs
from tests.site.reference_year import (
    BRUSSELS,
    DST_DAYS,
    YEAR_TARIFFS,
    Bill,
    counter_readings,
    household_year,
    reference_bill,
)

INPUTS = SiteInputs(
    counters=(
        CounterSpec("import_t1", Channel.IMPORT, 1),
        CounterSpec("import_t2", Channel.IMPORT, 2),
        CounterSpec("export_t1", Channel.EXPORT, 1),
        CounterSpec("export_t2", Channel.EXPORT, 2),
        CounterSpec("pv", Channel.PV),
    )
)
CENT = 0.005


def _assert_matches(ours: Totals, reference: Bill, what: str) -> None:
    """Compare one period's totals with the reference, to the cent."""
    for name, mine, theirs in (
        ("imported", ours.imported, reference.imported),
        ("exported", ours.exported, reference.exported),
        ("produced", ours.produced, reference.produced),
        ("self_consumed", ours.self_consumed, reference.self_consumed),
        ("consumption", ours.consumption, reference.consumption),
        ("cost_import", ours.cost_import, reference.cost_import),
        ("revenue_export", ours.revenue_export, reference.revenue_export),
        ("cost_fixed", ours.cost_fixed, reference.cost_fixed),
        ("cost_net", ours.cost_net, reference.cost_net),
        ("savings", ours.savings, reference.savings),
    ):
        assert mine == pytest.approx(theirs, abs=1e-6), f"{what} {name}"
        assert abs(mine - theirs) < CENT


def test_year_matches_the_reference_bill() -> None:
    """Every day, month and the year match an hour-by-hour reference."""
    hours = household_year()
    reference = reference_bill(hours)
    readings = list(counter_readings(hours))
    created = readings[0][0]
    engine = SiteEngine(INPUTS, parse_tariffs(YEAR_TARIFFS), BRUSSELS, created)
    days: dict[date, Totals] = {}
    months: dict[tuple[int, int], Totals] = {}
    for t, counters in readings:
        for name in ("import_t1", "import_t2", "export_t1", "export_t2", "pv"):
            engine.counter(name, getattr(counters, name), t)
        for period, totals in engine.pop_closed():
            local = engine.calendar.date(totals.start)
            if period is Period.TODAY:
                days[local] = totals
            else:
                months[(local.year, local.month)] = totals
    last_day = engine.ledger.shown(Period.TODAY)
    days[engine.calendar.date(last_day.start)] = last_day
    months[(2016, 12)] = engine.ledger.shown(Period.MONTH)

    assert len(days) == 366
    assert len(months) == 12
    for day in DST_DAYS:
        _assert_matches(days[day], reference.days[day], str(day))
    assert reference.days[DST_DAYS[0]].hours == 23
    assert reference.days[DST_DAYS[1]].hours == 25
    for day, totals in days.items():
        _assert_matches(totals, reference.days[day], str(day))
    for month, totals in months.items():
        _assert_matches(totals, reference.months[month], str(month))
    year = engine.ledger.shown(Period.TOTAL)
    _assert_matches(year, reference.year, "year")
    assert year.self_consumption_ratio == pytest.approx(
        reference.year.self_consumed / reference.year.produced * 100
    )
    assert year.self_sufficiency_ratio == pytest.approx(
        (1 - reference.year.imported / reference.year.consumption) * 100
    )
