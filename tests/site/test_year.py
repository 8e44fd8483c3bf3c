"""A real household's year replayed through Home Assistant, to the cent.

The counters of a Belgian meter (two registers each way) and an inverter are
written as entity states hour by hour, with the clock frozen at each hour's
end, exactly as a replay of recorded data would. The figures the site's
entities show are compared with a plain hour-by-hour reference bill
(``tests/site_helpers.py``): every month at its end, both DST days, and the
whole year.
"""

from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from tests.common import state_for
from tests.site.helpers import (
    EXPORT_T1,
    EXPORT_T2,
    IMPORT_T1,
    IMPORT_T2,
    PV,
    figure,
    set_energy,
    set_up,
    site_entry,
)
from tests.site.reference_year import (
    BRUSSELS,
    DST_DAYS,
    YEAR_TARIFFS,
    Bill,
    CounterValues,
    counter_readings,
    household_year,
    reference_bill,
)

COUNTERS = {
    IMPORT_T1: "import_t1",
    IMPORT_T2: "import_t2",
    EXPORT_T1: "export_t1",
    EXPORT_T2: "export_t2",
    PV: "pv",
}
CENT = 0.005


def write_counters(hass: HomeAssistant, counters: CounterValues) -> None:
    """Write every counter's state."""
    for entity_id, name in COUNTERS.items():
        set_energy(hass, entity_id, getattr(counters, name))


def assert_period(hass: HomeAssistant, suffix: str, bill: Bill, what: str) -> None:
    """Compare the money entities of a period with the reference, to the cent."""
    for key, expected in (
        ("cost_import", bill.cost_import),
        ("revenue_export", bill.revenue_export),
        ("cost_fixed", bill.cost_fixed),
        ("cost_net", bill.cost_net),
        ("pv_savings", bill.savings),
    ):
        shown = figure(hass, f"{key}_{suffix}")
        assert abs(shown - expected) < CENT, f"{what} {key}: {shown} != {expected}"


async def test_year_replay_matches_the_reference(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Months, DST days and the year shown by the entities match the reference."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    hours = household_year()
    reference = reference_bill(hours)
    readings = list(counter_readings(hours))
    start, first = readings[0]
    freezer.move_to(datetime.fromtimestamp(start, BRUSSELS))
    write_counters(hass, first)
    await set_up(hass, site_entry(tariffs=YEAR_TARIFFS))

    months_checked = 0
    for t, counters in readings[1:]:
        moment = datetime.fromtimestamp(t, BRUSSELS)
        freezer.move_to(moment)
        async_fire_time_changed(hass)
        write_counters(hass, counters)
        # Until five minutes after midnight, "today" and "this month" still show
        # the period that just ended, now complete.
        if moment.hour == 0:
            ended = datetime.fromtimestamp(t - 3600, BRUSSELS)
            if ended.date() in DST_DAYS:
                assert_period(hass, "today", reference.days[ended.date()], str(ended))
            if moment.day == 1:
                bill = reference.months[(ended.year, ended.month)]
                assert_period(hass, "month", bill, f"{ended:%Y-%m}")
                months_checked += 1
    await hass.async_block_till_done()
    assert months_checked == 12

    year = reference.year
    assert_period(hass, "total", year, "year")
    assert figure(hass, "pv_self_consumed") == pytest.approx(
        year.self_consumed, abs=1e-3
    )
    assert figure(hass, "site_elec_cons") == pytest.approx(year.consumption, abs=1e-3)
    assert figure(hass, "self_consumption_ratio") == pytest.approx(
        year.self_consumed / year.produced * 100, abs=0.01
    )
    assert figure(hass, "self_sufficiency_ratio") == pytest.approx(
        (1 - year.imported / year.consumption) * 100, abs=0.01
    )
    december = state_for(hass, "cost_net_month")
    assert december.attributes["last_reset"] == "2016-11-30T23:00:00+00:00"
