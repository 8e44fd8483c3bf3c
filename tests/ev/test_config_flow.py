"""The setup wizard for EV chargers: every path, every error, then recovery."""

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from simulators.ev_charger import DEV
from tests.common import register_meter, walk_to_form
from tests.ev.helpers import GRID, PEAK, PRICE, RELAY, ev_entry, set_grid, set_up_relay

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


async def test_create_with_errors_then_recovery(hass: HomeAssistant) -> None:
    """A power input is required and entities must exist."""
    await set_up_relay(hass)
    set_grid(hass, 0)
    result = await walk_to_form(hass, "ev_charger")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"relay_entity": RELAY, "charger_power": 2300}
    )
    assert result["errors"] == {"base": "power_input_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "relay_entity": "switch.missing",
            "grid_power_entity": GRID,
            "price_entity": "sensor.nothing",
            "charger_power": 2300,
        },
    )
    assert result["errors"] == {
        "relay_entity": "entity_not_found",
        "price_entity": "entity_not_found",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"relay_entity": RELAY, "grid_power_entity": GRID, "charger_power": 2300},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "EV charger (Charger)"
    assert result["data"] == {
        "source": "ev_charger",
        "relay_entity": RELAY,
        "grid_power_entity": GRID,
        "charger_power": 2300,
    }
    assert result["result"].unique_id == RELAY


async def test_energy_monitor_entities_are_suggested(hass: HomeAssistant) -> None:
    """The P1 meter's grid power and the site's price and peaks are pre-filled."""
    registry = er.async_get(hass)
    for unique_id, object_id in [
        ("meter_grid_power", "p1_grid_power"),
        ("site_surplus_power", "site_surplus_power"),
        ("site_price_import", "site_price_import"),
        ("meter_demand_month_peak", "p1_month_peak"),
    ]:
        registry.async_get_or_create(
            "sensor", DOMAIN, unique_id, suggested_object_id=object_id
        )
    result = await walk_to_form(hass, "ev_charger")
    suggested = {
        key.schema: key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {
        "grid_power_entity": "sensor.p1_grid_power",
        "price_entity": "sensor.site_price_import",
        "month_peak_entity": "sensor.p1_month_peak",
    }


async def test_one_controller_per_relay(hass: HomeAssistant) -> None:
    """The relay is the unique ID."""
    await set_up_relay(hass)
    set_grid(hass, 0)
    ev_entry().add_to_hass(hass)
    result = await walk_to_form(hass, "ev_charger")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"relay_entity": RELAY, "grid_power_entity": GRID, "charger_power": 1400},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure(hass: HomeAssistant) -> None:
    """Reconfigure changes inputs and power; a relay in use elsewhere is refused."""
    await set_up_relay(hass)
    set_grid(hass, 0)
    hass.states.async_set("switch.other", "off")
    hass.states.async_set(PRICE, "0.2")
    hass.states.async_set(PEAK, "3.1")
    entry = ev_entry()
    entry.add_to_hass(hass)
    other = ev_entry()
    other.add_to_hass(hass)
    hass.config_entries.async_update_entry(other, unique_id="switch.other")
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "ev_charger"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "relay_entity": "switch.other",
            "grid_power_entity": GRID,
            "charger_power": 1400,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"relay_entity": RELAY, "charger_power": 1400}
    )
    assert result["errors"] == {"base": "power_input_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "relay_entity": RELAY,
            "surplus_power_entity": GRID,
            "price_entity": PRICE,
            "month_peak_entity": PEAK,
            "charger_power": 3680,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["charger_power"] == 3680
    assert entry.data["surplus_power_entity"] == GRID
    assert entry.unique_id == RELAY


async def test_options(hass: HomeAssistant) -> None:
    """The stale-data limit and the demand cap are options."""
    entry = ev_entry()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "ev_charger"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"stale_after": 120, "peak_limit": 4.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"stale_after": 120, "peak_limit": 4.0}


async def test_several_grid_meters_ask_which_one(hass: HomeAssistant) -> None:
    """With two P1 meters and a Modbus meter, the chosen one's entities are used."""
    register_meter(hass, "modbus", "SDM630", {"SDM630": ("grid_power",)})
    register_meter(hass, "p1", "Dutch P1", {"Dutch meter": ("grid_power",)})
    meters = register_meter(
        hass,
        "p1",
        "Belgian P1",
        {
            "Belgian meter": (
                "grid_power",
                "demand_current_quarter",
                "demand_month_peak",
            )
        },
    )
    register_meter(hass, "site", "Home", {"Home": ("price_import", "grid_power")})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "ev_charger"}
    )
    assert result["step_id"] == "ev_charger_meter"
    options = result["data_schema"].schema["meter"].config["options"]
    assert [option["label"] for option in options] == [
        "Belgian meter (Belgian P1)",
        "Dutch meter (Dutch P1)",
        "SDM630 (SDM630)",
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"meter": meters["Belgian meter"]}
    )
    assert result["step_id"] == "ev_charger"
    suggested = {
        key.schema: key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {
        "grid_power_entity": "sensor.belgian_meter_grid_power",
        "price_entity": "sensor.home_price_import",
        "demand_quarter_entity": "sensor.belgian_meter_demand_current_quarter",
        "month_peak_entity": "sensor.belgian_meter_demand_month_peak",
    }


async def test_relay_picker_leaves_out_own_switches(hass: HomeAssistant) -> None:
    """Energy Monitor's own "Smart charging" switch is not offered as a relay."""
    await set_up_relay(hass)
    set_grid(hass, 0)
    own = er.async_get(hass).async_get_or_create(
        "switch", DOMAIN, "charger_smart_charging", suggested_object_id="smart_charging"
    )
    result = await walk_to_form(hass, "ev_charger")
    relay = result["data_schema"].schema["relay_entity"].config
    assert relay["exclude_entities"] == [own.entity_id]
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "relay_entity": own.entity_id,
                "grid_power_entity": GRID,
                "charger_power": 2300,
            },
        )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"relay_entity": RELAY, "grid_power_entity": GRID, "charger_power": 2300},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_dev_charger(hass: HomeAssistant) -> None:
    """The development instance's wizard answers add its charger."""
    await set_up_relay(hass)
    hass.states.async_set("input_boolean.ev_charger_relay", "off")
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    for equipment_id in ("E0044007382246019", "1SAG3100721326"):
        entry = MockConfigEntry(domain=DOMAIN, data={"source": "p1"})
        entry.add_to_hass(hass)
        device = devices.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, equipment_id)},
            name=f"P1 meter {equipment_id[-4:]}",
        )
        sensor = entities.async_get_or_create(
            "sensor",
            DOMAIN,
            f"{equipment_id}_grid_power",
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=f"p1_meter_{equipment_id[-4:]}_grid_power",
        )
        hass.states.async_set(sensor.entity_id, "500")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    for answers in DEV.devices[0].wizard:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["grid_power_entity"] == "sensor.p1_meter_1326_grid_power"
