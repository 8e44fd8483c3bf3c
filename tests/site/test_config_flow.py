"""The energy site's wizard and tariff options: every path, every error, recovery."""

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from tests.common import register_meter, walk_to_form
from tests.site.helpers import (
    BATTERY_CHARGE,
    BATTERY_DISCHARGE,
    DEMAND,
    ENERGY,
    EXPORT_T1,
    EXPORT_T2,
    GAS,
    GRID_POWER,
    IMPORT_T1,
    IMPORT_T2,
    IMPORT_TOTAL,
    KILOWATT,
    POWER,
    PRICE,
    PV,
    PV_POWER,
    TARIFF,
    TOTAL_SITE,
    VOLUME,
    site_entry,
)

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

INPUT_STATES: dict[str, tuple[str, dict[str, Any]]] = {
    IMPORT_T1: ("100", ENERGY),
    IMPORT_T2: ("200", ENERGY),
    EXPORT_T1: ("10", ENERGY),
    EXPORT_T2: ("20", ENERGY),
    IMPORT_TOTAL: ("300", ENERGY),
    GRID_POWER: ("500", POWER),
    TARIFF: ("1", {}),
    DEMAND: ("1.2", KILOWATT),
    PV: ("50", ENERGY),
    PV_POWER: ("800", POWER),
    BATTERY_CHARGE: ("5", ENERGY),
    BATTERY_DISCHARGE: ("4", ENERGY),
    GAS: ("1234.5", VOLUME),
    PRICE: ("0.25", {"unit_of_measurement": "EUR/kWh"}),
}


@pytest.fixture(autouse=True)
def input_states(hass: HomeAssistant) -> None:
    """Give every input entity a state."""
    for entity_id, (state, attributes) in INPUT_STATES.items():
        hass.states.async_set(entity_id, state, attributes)


def suggested(result: FlowResult) -> dict[str, Any]:
    """Return the suggested values of a form."""
    schema = result["data_schema"]
    assert schema is not None
    return {
        str(key.schema): (key.description or {}).get("suggested_value")
        for key in schema.schema
    }


def register_source_entities(hass: HomeAssistant, *keys: str) -> MockConfigEntry:
    """Register Energy Monitor source entities (a P1 meter, an inverter)."""
    source = MockConfigEntry(domain=DOMAIN, data={"source": "p1"})
    source.add_to_hass(hass)
    registry = er.async_get(hass)
    for key in keys:
        entity = registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"E0044_{key}",
            config_entry=source,
            suggested_object_id=f"p1_{key}",
        )
        hass.states.async_set(entity.entity_id, "1", ENERGY)
    return source


async def test_wizard_prefills_and_creates_a_site(hass: HomeAssistant) -> None:
    """Energy Monitor's own entities are filled in; the entry gets prices."""
    register_source_entities(
        hass,
        "grid_elec_import_t1",
        "grid_elec_import_t2",
        "grid_elec_export",
        "grid_power",
        "grid_tariff",
        "pv_elec_prod",
        "grid_gas_import",
    )
    site = site_entry(TOTAL_SITE)
    site.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor", DOMAIN, "site_grid_power", config_entry=site
    )
    result = await walk_to_form(hass, "site")
    assert suggested(result) == {
        "name": None,
        "grid_import": [
            "sensor.p1_grid_elec_import_t1",
            "sensor.p1_grid_elec_import_t2",
        ],
        "grid_export": ["sensor.p1_grid_elec_export"],
        "grid_power": "sensor.p1_grid_power",
        "grid_tariff": "sensor.p1_grid_tariff",
        "demand_current_quarter": None,
        "demand_month_peak": None,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Holiday home",
            "grid_import": [IMPORT_T1, IMPORT_T2],
            "grid_export": [EXPORT_T1, EXPORT_T2],
            "grid_power": GRID_POWER,
            "grid_tariff": TARIFF,
            "demand_current_quarter": DEMAND,
        },
    )
    assert result["step_id"] == "site_solar"
    assert suggested(result)["pv_energy"] == ["sensor.p1_pv_elec_prod"]
    assert suggested(result)["gas"] == "sensor.p1_grid_gas_import"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "pv_energy": [PV],
            "pv_power": [PV_POWER],
            "battery_charge": BATTERY_CHARGE,
            "battery_discharge": BATTERY_DISCHARGE,
            "gas": GAS,
        },
    )
    assert result["step_id"] == "site_tariff"
    assert set(suggested(result)) == {
        "import_rate",
        "export_rate",
        "gas_rate",
        "standing_charge",
        "capacity_rate",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "import_rate": 0.3,
            "export_rate": 0.05,
            "gas_rate": 1.2,
            "standing_charge": 0.8,
            "capacity_rate": 41.3,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Holiday home"
    assert result["data"] == {
        "source": "site",
        "grid_import": [IMPORT_T1, IMPORT_T2],
        "grid_export": [EXPORT_T1, EXPORT_T2],
        "grid_power": GRID_POWER,
        "grid_tariff": TARIFF,
        "demand_current_quarter": DEMAND,
        "pv_energy": [PV],
        "pv_power": [PV_POWER],
        "battery_charge": BATTERY_CHARGE,
        "battery_discharge": BATTERY_DISCHARGE,
        "gas": GAS,
    }
    (version,) = result["options"]["tariffs"]
    assert version["import"] == {"mode": "fixed", "rate": 0.3}
    assert version["export"] == {"mode": "fixed", "rate": 0.05}
    assert version["gas"] == {"mode": "fixed", "rate": 1.2}
    assert (version["standing_charge"], version["capacity_rate"]) == (0.8, 41.3)


async def test_wizard_minimal_site(hass: HomeAssistant) -> None:
    """Only an import total: no export or gas price is asked."""
    register_source_entities(hass, "grid_elec_import")
    result = await walk_to_form(hass, "site")
    assert suggested(result)["grid_import"] == ["sensor.p1_grid_elec_import"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Home", "grid_import": [IMPORT_TOTAL]}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert set(suggested(result)) == {"import_rate", "standing_charge", "capacity_rate"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"import_rate": 0.25, "standing_charge": 0.0, "capacity_rate": 0.0},
    )
    assert result["data"] == {"source": "site", "grid_import": [IMPORT_TOTAL]}
    assert result["options"]["tariffs"][0]["export"] == {"mode": "fixed", "rate": 0.0}


async def test_wizard_errors_then_recovery(hass: HomeAssistant) -> None:
    """Unknown, unfitting and reused entities and half a battery are explained."""
    result = await walk_to_form(hass, "site")
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            "name": "Home",
            "grid_import": [IMPORT_T1, "sensor.nothing"],
            "grid_export": [IMPORT_T1],
            "grid_power": PV,
            "demand_month_peak": GRID_POWER,
            "grid_tariff": GRID_POWER,
        },
    )
    assert result["errors"] == {
        "grid_export": "duplicate_entity",
        "grid_power": "invalid_unit",
        "demand_month_peak": "duplicate_entity",
    }
    assert suggested(result)["grid_power"] == PV
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"name": "Home", "grid_import": []}
    )
    assert result["errors"] == {"grid_import": "import_required"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"name": "Home", "grid_import": [IMPORT_T1, IMPORT_T2]}
    )
    assert result["step_id"] == "site_solar"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"pv_energy": [IMPORT_T1], "gas": PV, "pv_power": [GRID_POWER]}
    )
    assert result["errors"] == {
        "pv_energy": "duplicate_entity",
        "gas": "invalid_unit",
    }
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"battery_charge": BATTERY_CHARGE}
    )
    assert result["errors"] == {"base": "battery_pair"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"pv_energy": [PV]}
    )
    assert result["step_id"] == "site_tariff"


async def test_same_grid_meter_twice_is_refused(hass: HomeAssistant) -> None:
    """A second site on the same import counters is refused."""
    site_entry().add_to_hass(hass)
    result = await walk_to_form(hass, "site")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Again", "grid_import": [IMPORT_T1, IMPORT_T2]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "site_already_configured"


async def test_reconfigure_changes_the_inputs(hass: HomeAssistant) -> None:
    """Reconfigure shows the current inputs and keeps the tariffs."""
    entry = site_entry(tariffs=[{"import": {"mode": "fixed", "rate": 0.3}}])
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "site"
    assert suggested(result)["grid_import"] == [IMPORT_T1, IMPORT_T2]
    assert suggested(result)["name"] == "Home"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "House", "grid_import": [IMPORT_TOTAL], "grid_power": GRID_POWER},
    )
    assert suggested(result)["pv_energy"] == [PV]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pv_energy": [PV], "pv_power": [PV_POWER]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "site_reconfigured"
    assert entry.title == "House"
    assert entry.data == {
        "source": "site",
        "grid_import": [IMPORT_TOTAL],
        "grid_power": GRID_POWER,
        "pv_energy": [PV],
        "pv_power": [PV_POWER],
    }
    assert entry.options["tariffs"][0]["import"]["rate"] == 0.3


async def open_options(
    hass: HomeAssistant, data: dict[str, Any] | None = None
) -> tuple[MockConfigEntry, FlowResult]:
    """Open the options of a site."""
    entry = site_entry(
        data,
        tariffs=[
            {"valid_from": None, "import": {"mode": "fixed", "rate": 0.3}},
            {"valid_from": "2024-07-01", "import": {"mode": "fixed", "rate": 0.35}},
        ],
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["description_placeholders"]["valid_from"] == "2024-07-01"
    return entry, result


async def choose(
    hass: HomeAssistant, result: FlowResult, step: str, mode: str | None = None
) -> FlowResult:
    """Pick a menu entry and, for prices, a mode."""
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    if mode is not None:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"mode": mode}
        )
    return result


def newest(entry: MockConfigEntry, direction: str = "import") -> dict[str, Any]:
    """Return the newest version's price of a direction."""
    price: dict[str, Any] = entry.options["tariffs"][-1][direction]
    return price


async def test_options_menu_follows_the_inputs(hass: HomeAssistant) -> None:
    """Export and gas prices are offered only with their entities."""
    _, result = await open_options(hass)
    assert result["menu_options"] == [
        "site_import_price",
        "site_export_price",
        "site_charges",
        "site_new_version",
    ]
    _, result = await open_options(
        hass, {"source": "site", "grid_import": [IMPORT_TOTAL], "gas": GAS}
    )
    assert result["menu_options"] == [
        "site_import_price",
        "site_gas_price",
        "site_charges",
        "site_new_version",
    ]
    result = await choose(hass, result, "site_gas_price")
    schema = result["data_schema"]
    assert schema is not None
    (selector,) = schema.schema.values()
    assert selector.config["options"] == ["fixed", "schedule", "entity"]


async def test_fixed_price(hass: HomeAssistant) -> None:
    """A fixed import price edits the newest version only."""
    entry, result = await open_options(hass)
    result = await choose(hass, result, "site_import_price", "fixed")
    assert result["step_id"] == "site_price_fixed"
    assert suggested(result) == {"rate": 0.35}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"rate": 0.4}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["tariffs"][0]["import"]["rate"] == 0.3
    assert newest(entry) == {"mode": "fixed", "rate": 0.4}


async def test_register_prices_errors_then_recovery(hass: HomeAssistant) -> None:
    """Bad schedules are explained; a total counter needs a register source."""
    entry, result = await open_options(hass, TOTAL_SITE)
    result = await choose(hass, result, "site_import_price", "registers")
    assert result["step_id"] == "site_price_registers"
    flow_id = result["flow_id"]
    rates = {"rate_1": 0.32, "rate_2": 0.21}
    for text, error in (
        ("mon-fri 07:00-22:00", "invalid_schedule"),
        ("mon-fri 07:00-22:00 3\ndefault 2", "invalid_registers"),
        ("mon-fri 07:00-22:00 1", "schedule_gap"),
    ):
        result = await hass.config_entries.options.async_configure(
            flow_id, {**rates, "schedule": text}
        )
        assert result["errors"] == {"schedule": error}, text
    assert result["description_placeholders"]["detail"] == "schedule"
    result = await hass.config_entries.options.async_configure(flow_id, rates)
    assert result["errors"] == {"base": "register_source_required"}
    result = await hass.config_entries.options.async_configure(
        flow_id, {**rates, "schedule": "mon-fri 07:00-22:00 1\ndefault 2"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert newest(entry) == {
        "mode": "registers",
        "rates": {"1": 0.32, "2": 0.21},
        "schedule": [
            {
                "interval_start": "07:00",
                "interval_end": "22:00",
                "register": 1.0,
                "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            }
        ],
        "default_register": 2,
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await choose(hass, result, "site_import_price", "registers")
    assert suggested(result) == {
        "rate_1": 0.32,
        "rate_2": 0.21,
        "schedule": "mon-fri 07:00-22:00 1\ndefault 2",
    }


async def test_register_prices_follow_the_meter(hass: HomeAssistant) -> None:
    """With per-register counters no schedule is needed (four registers here)."""
    data = {
        "source": "site",
        "grid_import": [IMPORT_T1, IMPORT_T2, PV, GAS],
        "grid_export": [EXPORT_T1],
    }
    entry, result = await open_options(hass, data)
    result = await choose(hass, result, "site_export_price", "registers")
    assert set(suggested(result)) == {
        "rate_1",
        "rate_2",
        "rate_3",
        "rate_4",
        "schedule",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"rate_1": 0.1, "rate_2": 0.05, "rate_3": 0.0, "rate_4": 0.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert newest(entry, "export")["rates"] == {"1": 0.1, "2": 0.05, "3": 0.0, "4": 0.0}


async def test_schedule_price(hass: HomeAssistant) -> None:
    """A time-of-use schedule: errors explained, then saved and shown again."""
    entry, result = await open_options(hass)
    result = await choose(hass, result, "site_import_price", "schedule")
    flow_id = result["flow_id"]
    result = await hass.config_entries.options.async_configure(
        flow_id, {"schedule": "02:00-05:00 cheap"}
    )
    assert result["errors"] == {"schedule": "invalid_schedule"}
    assert result["description_placeholders"]["detail"] == "02:00-05:00 cheap: 'cheap'"
    assert suggested(result) == {"schedule": "02:00-05:00 cheap"}
    result = await hass.config_entries.options.async_configure(
        flow_id, {"schedule": "02:00-05:00 0.18"}
    )
    assert result["errors"] == {"schedule": "schedule_gap"}
    text = "02:00-05:00 0.18\nmon-fri 16:00-19:00 0.43\ndefault 0.3"
    result = await hass.config_entries.options.async_configure(
        flow_id, {"schedule": text}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert newest(entry)["default_rate"] == 0.3
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await choose(hass, result, "site_import_price", "schedule")
    assert suggested(result) == {"schedule": text}


async def test_entity_price(hass: HomeAssistant) -> None:
    """A dynamic price from an entity, with markup and multiplier."""
    entry, result = await open_options(hass)
    result = await choose(hass, result, "site_import_price", "entity")
    assert suggested(result) == {"entity_id": None, "markup": None, "multiplier": None}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"entity_id": PRICE, "markup": 0.12, "multiplier": 1.06}
    )
    assert newest(entry) == {
        "mode": "entity",
        "entity_id": PRICE,
        "markup": 0.12,
        "multiplier": 1.06,
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await choose(hass, result, "site_import_price", "entity")
    assert suggested(result)["entity_id"] == PRICE


async def test_charges(hass: HomeAssistant) -> None:
    """Fixed charges and the capacity tariff of the newest version."""
    entry, result = await open_options(hass)
    result = await choose(hass, result, "site_charges")
    assert suggested(result) == {
        "standing_charge": 0.0,
        "capacity_rate": 0.0,
        "capacity_minimum": 2.5,
    }
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"standing_charge": 0.9, "capacity_rate": 45.0, "capacity_minimum": 2.5},
    )
    version = entry.options["tariffs"][-1]
    assert (version["standing_charge"], version["capacity_rate"]) == (0.9, 45.0)
    assert version["import"]["rate"] == 0.35


async def test_new_version(hass: HomeAssistant) -> None:
    """A new version starts after the newest one and copies it."""
    entry, result = await open_options(hass)
    result = await choose(hass, result, "site_new_version")
    flow_id = result["flow_id"]
    result = await hass.config_entries.options.async_configure(
        flow_id, {"valid_from": "2024-07-01"}
    )
    assert result["errors"] == {"valid_from": "version_too_early"}
    result = await hass.config_entries.options.async_configure(
        flow_id, {"valid_from": "2025-01-01"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    starts = [version["valid_from"] for version in entry.options["tariffs"]]
    assert starts == [None, "2024-07-01", "2025-01-01"]
    assert entry.options["tariffs"][1]["valid_until"] == "2025-01-01"
    assert newest(entry)["rate"] == 0.35


async def test_new_version_of_an_undated_tariff(hass: HomeAssistant) -> None:
    """The first version has no start day: any day may start the next one."""
    entry = site_entry(tariffs=[{"import": {"mode": "fixed", "rate": 0.3}}])
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    # The first version has no start day: it applies since the site's setup.
    created = dt_util.as_local(entry.created_at).date().isoformat()
    assert result["description_placeholders"]["valid_from"] == created
    result = await choose(hass, result, "site_new_version")
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"valid_from": "2020-01-01"}
    )
    assert [v["valid_from"] for v in entry.options["tariffs"]] == [None, "2020-01-01"]


async def test_wizard_starts_empty_without_own_sources(hass: HomeAssistant) -> None:
    """With nothing of Energy Monitor's own, the wizard starts empty."""
    result = await walk_to_form(hass, "site")
    assert suggested(result)["grid_import"] is None


async def test_unreadable_tariffs_can_be_entered_anew(hass: HomeAssistant) -> None:
    """Options repair tariffs a site cannot read (it refuses to start)."""
    entry = site_entry(tariffs=[{"import": {"mode": "cheap"}}])
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await choose(hass, result, "site_import_price", "fixed")
    await hass.config_entries.options.async_configure(result["flow_id"], {"rate": 0.3})
    (version,) = entry.options["tariffs"]
    assert version["import"] == {"mode": "fixed", "rate": 0.3}


def register_three_grid_meters(hass: HomeAssistant) -> dict[str, str]:
    """Register a Dutch P1, a Belgian P1, a Modbus meter and sub-meters.

    Return the grid meters' device IDs by name.
    """
    p1_keys = (
        "grid_elec_import_t1",
        "grid_elec_import_t2",
        "grid_elec_export_t1",
        "grid_elec_export_t2",
        "grid_power",
        "grid_tariff",
    )
    meters = register_meter(
        hass,
        "modbus",
        "SDM630",
        {"SDM630": ("grid_elec_import", "grid_elec_export", "grid_power")},
    )
    meters |= register_meter(
        hass,
        "p1",
        "Dutch P1",
        {"Dutch meter": p1_keys, "Dutch gas": ("grid_gas_import",)},
    )
    meters |= register_meter(
        hass,
        "p1",
        "Belgian P1",
        {
            "Belgian meter": (*p1_keys, "demand_current_quarter", "demand_month_peak"),
            "Belgian gas": ("grid_gas_import",),
        },
    )
    register_meter(
        hass,
        "mcp3008",
        "CT clamps",
        {"Heat pump": ("circuit_power", "meter_elec_import")},
    )
    register_meter(hass, "fronius", "Fronius", {"Inverter": ("pv_elec_prod",)})
    return meters


async def test_wizard_asks_which_grid_meter(hass: HomeAssistant) -> None:
    """Several grid meters: the wizard asks which one; P1 meters come first.

    Every grid field comes from the chosen meter, gas from its P1 source;
    sub-meters (CT circuits) are no grid meters.
    """
    meters = register_three_grid_meters(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "site"}
    )
    assert result["step_id"] == "site_meter"
    field = result["data_schema"].schema["meter"]
    assert [option["label"] for option in field.config["options"]] == [
        "Belgian meter (Belgian P1)",
        "Dutch meter (Dutch P1)",
        "SDM630 (SDM630)",
    ]
    assert suggested(result) == {"meter": None}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"meter": meters["Dutch meter"]}
    )
    assert result["step_id"] == "site"
    assert suggested(result) == {
        "name": None,
        "grid_import": [
            "sensor.dutch_meter_grid_elec_import_t1",
            "sensor.dutch_meter_grid_elec_import_t2",
        ],
        "grid_export": [
            "sensor.dutch_meter_grid_elec_export_t1",
            "sensor.dutch_meter_grid_elec_export_t2",
        ],
        "grid_power": "sensor.dutch_meter_grid_power",
        "grid_tariff": "sensor.dutch_meter_grid_tariff",
        "demand_current_quarter": None,
        "demand_month_peak": None,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Home", "grid_import": ["sensor.dutch_meter_grid_elec_import_t1"]},
    )
    assert result["step_id"] == "site_solar"
    assert suggested(result)["gas"] == "sensor.dutch_gas_grid_gas_import"
    assert suggested(result)["pv_energy"] == ["sensor.inverter_pv_elec_prod"]


@pytest.mark.parametrize(
    ("meter", "expected"),
    [
        (
            "Belgian meter",
            {
                "grid_power": "sensor.belgian_meter_grid_power",
                "demand_current_quarter": "sensor.belgian_meter_demand_current_quarter",
                "demand_month_peak": "sensor.belgian_meter_demand_month_peak",
            },
        ),
        ("SDM630", {"grid_power": "sensor.sdm630_grid_power"}),
    ],
)
async def test_wizard_prefills_from_the_chosen_meter_only(
    hass: HomeAssistant, meter: str, expected: dict[str, str]
) -> None:
    """The Belgian P1 brings its demand; the Modbus meter nobody else's."""
    meters = register_three_grid_meters(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "site"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"meter": meters[meter]}
    )
    prefilled = {
        field: value
        for field, value in suggested(result).items()
        if field in {"grid_power", "demand_current_quarter", "demand_month_peak"}
        and value is not None
    }
    assert prefilled == expected
    imports = suggested(result)["grid_import"]
    slug = meter.lower().replace(" ", "_")
    assert imports
    assert all(entity_id.startswith(f"sensor.{slug}_") for entity_id in imports)
