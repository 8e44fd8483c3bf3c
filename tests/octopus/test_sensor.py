"""Octopus rates as entities: prices now/next/before, forecast, boundaries, faults."""

from datetime import UTC, datetime, timedelta
import itertools

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
import pytest

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.ev.planner import parse_price_forecast
from custom_components.energy_monitor.lib.octopus.history import gas_kwh_per_m3
from custom_components.energy_monitor.sources.octopus.runtime import OctopusRuntime
from simulators.octopus import (
    EXPORT_MPAN,
    GAS_MPRN,
    HALF_HOUR,
    IMPORT_MPAN,
    ZONE,
    Fault,
    OctopusSimulator,
    agile_price,
    consumption,
)
from tests.common import entity_id_by_unique_id

from .helpers import advance, move_to, set_up_octopus

pytestmark = pytest.mark.usefixtures("uk_time")


def price(moment: datetime) -> float:
    """Return the simulated Agile price of a half hour in pounds."""
    return round(agile_price(moment) / 100, 6)


def sensor(hass: HomeAssistant, unique_id: str) -> State:
    """Return the state of the sensor with this unique ID."""
    state = hass.states.get(entity_id_by_unique_id(hass, unique_id))
    assert state is not None
    return state


def state_of(hass: HomeAssistant, point: str, flow: str, key: str) -> str:
    """Return the state of a meter point's sensor."""
    return sensor(hass, f"octopus_{point}_{flow}_{key}").state


async def test_prices_and_forecast(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """Each meter point shows its rates; the forecast is what the EV planner reads."""
    await set_up_octopus(hass, octopus)
    window = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    current = sensor(hass, f"octopus_{IMPORT_MPAN}_import_price_import")
    assert float(current.state) == price(window)
    assert current.attributes["unit_of_measurement"] == "GBP/kWh"
    assert current.attributes["tariff_code"] == "E-1R-AGILE-24-10-01-C"
    assert current.attributes["valid_from"] == window.isoformat()
    assert current.attributes["valid_to"] == (window + HALF_HOUR).isoformat()
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import_next")) == price(
        window + HALF_HOUR
    )
    assert float(
        state_of(hass, IMPORT_MPAN, "import", "price_import_previous")
    ) == price(window - HALF_HOUR)
    assert float(state_of(hass, IMPORT_MPAN, "import", "standing_charge")) == 0.476062
    # Published until 23:00 today (it is before 16:00): 22 half hours.
    forecast = current.attributes["forecast"]
    assert len(forecast) == 22
    assert forecast[0] == {
        "start": "2026-03-20T12:00:00+00:00",
        "end": "2026-03-20T12:30:00+00:00",
        "price": price(window),
    }
    slots = parse_price_forecast(current.attributes)
    assert [slot.price for slot in slots] == [
        price(window + n * HALF_HOUR) for n in range(22)
    ]
    # Export and gas are on fixed tariffs: no next or previous window.
    assert float(state_of(hass, EXPORT_MPAN, "export", "price_export")) == 0.15
    assert state_of(hass, EXPORT_MPAN, "export", "price_export_next") == STATE_UNKNOWN
    assert float(state_of(hass, GAS_MPRN, "gas", "price_gas_kwh")) == 0.0624
    assert float(state_of(hass, GAS_MPRN, "gas", "standing_charge")) == 0.3143
    gas_forecast = sensor(hass, f"octopus_{GAS_MPRN}_gas_price_gas_kwh").attributes[
        "forecast"
    ]
    assert gas_forecast == [
        {
            "start": "2025-12-31T00:00:00+00:00",
            "end": "2026-03-22T12:10:00+00:00",
            "price": 0.0624,
        }
    ]


async def test_yesterday(hass: HomeAssistant, octopus: OctopusSimulator) -> None:
    """The latest complete day's energy and cost, reset at local midnight."""
    await set_up_octopus(hass, octopus)
    day = datetime(2026, 3, 19, 0, 0, tzinfo=UTC)  # GMT: local midnight
    halves = [day + n * HALF_HOUR for n in range(48)]
    energy = sum(consumption("import", t) for t in halves)
    cost = sum(consumption("import", t) * agile_price(t) / 100 for t in halves)
    cost += 0.4760616
    kwh = sensor(hass, f"octopus_{IMPORT_MPAN}_import_grid_elec_import_yesterday")
    assert float(kwh.state) == pytest.approx(energy, abs=1e-6)
    assert kwh.attributes["last_reset"] == day.isoformat()
    assert kwh.attributes["day"] == "2026-03-19"
    money = sensor(hass, f"octopus_{IMPORT_MPAN}_import_cost_import_yesterday")
    assert float(money.state) == pytest.approx(cost, abs=1e-6)
    assert money.attributes["unit_of_measurement"] == "GBP"
    assert money.attributes["state_class"] == "total"
    gas = sum(consumption("gas", t) for t in halves) * gas_kwh_per_m3()
    gas_state = sensor(hass, f"octopus_{GAS_MPRN}_gas_grid_gas_energy_yesterday")
    assert float(gas_state.state) == pytest.approx(gas, abs=1e-6)
    earned = sum(consumption("export", t) * 0.15 for t in halves)
    revenue = sensor(hass, f"octopus_{EXPORT_MPAN}_export_revenue_export_yesterday")
    assert float(revenue.state) == pytest.approx(earned, abs=1e-6)


async def test_rate_changes_at_the_boundary(
    hass: HomeAssistant, octopus: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The price changes at the window's end to the second, without a request."""
    await set_up_octopus(hass, octopus)
    boundary = datetime(2026, 3, 20, 12, 30, tzinfo=UTC)
    requests = len(octopus.requests)
    await move_to(hass, freezer, boundary - timedelta(seconds=1))
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import")) == price(
        boundary - HALF_HOUR
    )
    await move_to(hass, freezer, boundary)
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import")) == price(
        boundary
    )
    assert float(
        state_of(hass, IMPORT_MPAN, "import", "price_import_previous")
    ) == price(boundary - HALF_HOUR)
    assert len(octopus.requests) == requests


async def test_rate_windows_across_dst(
    hass: HomeAssistant, octopus: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Clocks go forward on 29 March: the forecast runs on without gap or overlap."""
    freezer.move_to(datetime(2026, 3, 28, 17, 0, tzinfo=UTC))
    await set_up_octopus(hass, octopus)
    current = sensor(hass, f"octopus_{IMPORT_MPAN}_import_price_import")
    forecast = current.attributes["forecast"]
    # 17:00 GMT Saturday to 23:00 BST Sunday (22:00 UTC): 29 hours.
    assert len(forecast) == 58
    for slot, following in itertools.pairwise(forecast):
        assert datetime.fromisoformat(slot["end"]) == datetime.fromisoformat(
            following["start"]
        )
    starts = [slot["start"] for slot in forecast]
    assert "2026-03-29T00:30:00+00:00" in starts
    assert "2026-03-29T02:00:00+01:00" in starts
    assert starts[starts.index("2026-03-29T00:30:00+00:00") + 1] == (
        "2026-03-29T02:00:00+01:00"
    )
    spring = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    await move_to(hass, freezer, spring)
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import")) == price(spring)
    assert spring.astimezone(ZONE).hour == 2


async def test_outage_keeps_known_rates(
    hass: HomeAssistant, octopus: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """5xx: rates known in advance stay; once they run out, unavailable; then back."""
    entry = await set_up_octopus(hass, octopus)
    runtime = entry.runtime_data
    assert isinstance(runtime, OctopusRuntime)
    octopus.set_fault(Fault.HTTP_500)
    await advance(hass, freezer, timedelta(hours=1))
    assert runtime.rates.last_error is not None
    moment = datetime(2026, 3, 20, 13, 10, tzinfo=UTC)
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import")) == price(
        moment.replace(minute=0)
    )
    # Past 23:00 nothing is known: the entities are unavailable.
    await move_to(hass, freezer, datetime(2026, 3, 20, 23, 5, tzinfo=UTC))
    await advance(hass, freezer, timedelta(hours=1))
    assert state_of(hass, IMPORT_MPAN, "import", "price_import") == STATE_UNAVAILABLE
    octopus.set_fault(None)
    await advance(hass, freezer, timedelta(hours=1))
    now = datetime(2026, 3, 21, 1, 5, tzinfo=UTC)
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import")) == price(
        now.replace(minute=0)
    )


async def test_rate_limited_honours_retry_after(
    hass: HomeAssistant, octopus: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """429: the next attempt waits at least what Retry-After asks."""
    entry = await set_up_octopus(hass, octopus)
    runtime = entry.runtime_data
    assert isinstance(runtime, OctopusRuntime)
    octopus.retry_after = 900
    octopus.set_fault(Fault.RATE_LIMITED)
    await advance(hass, freezer, timedelta(hours=1))
    assert runtime.rates.update_interval == timedelta(seconds=900)
    requests = len(octopus.requests)
    await advance(hass, freezer, timedelta(seconds=600))
    assert len(octopus.requests) == requests
    octopus.set_fault(None)
    await advance(hass, freezer, timedelta(seconds=301))
    assert len(octopus.requests) > requests
    assert runtime.rates.last_error is None


async def test_revoked_key_asks_for_reauth(
    hass: HomeAssistant, octopus: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """401 after setup: a reauthentication flow is started."""
    await set_up_octopus(hass, octopus)
    octopus.set_fault(Fault.UNAUTHORIZED)
    await advance(hass, freezer, timedelta(hours=1))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_not_ready_then_ready(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """No answer at startup: retried later (not ready), nothing shown as live."""
    octopus.set_fault(Fault.HTTP_500)
    entry = await set_up_octopus(hass, octopus)
    assert entry.state.recoverable
    octopus.set_fault(None)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert float(state_of(hass, IMPORT_MPAN, "import", "price_import")) > 0
    await hass.config_entries.async_unload(entry.entry_id)
