import time
from datetime import datetime, timedelta
from homeassistant.core import HomeAssistant
from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from tests.site_entities import *
from tests.site_helpers import *

async def test_year(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.config.async_set_time_zone("Europe/Brussels")
    hours = household_year()
    ref = reference_bill(hours)
    readings = list(counter_readings(hours))
    t0, c0 = readings[0]
    freezer.move_to(datetime.fromtimestamp(t0, BRUSSELS))
    names = {IMPORT_T1: "import_t1", IMPORT_T2: "import_t2", EXPORT_T1: "export_t1", EXPORT_T2: "export_t2", PV: "pv"}
    for e, n in names.items():
        set_energy(hass, e, getattr(c0, n))
    entry = site_entry(tariffs=YEAR_TARIFFS)
    await set_up(hass, entry)
    start = time.perf_counter()
    for i, (t, c) in enumerate(readings[1:]):
        freezer.move_to(datetime.fromtimestamp(t, BRUSSELS))
        async_fire_time_changed(hass)
        for e, n in names.items():
            set_energy(hass, e, getattr(c, n))
        if i % 500 == 0:
            await hass.async_block_till_done()
    await hass.async_block_till_done()
    print("replay", time.perf_counter() - start)
    print(figure(hass, "cost_import_total"), ref.year.cost_import)
    print(figure(hass, "cost_fixed_total"), ref.year.cost_fixed)
    print(figure(hass, "cost_net_total"), ref.year.cost_net)
    print(figure(hass, "cost_net_month"), ref.months[(2016,12)].cost_net)
