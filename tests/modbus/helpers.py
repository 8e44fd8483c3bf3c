"""Helpers for Modbus tests: known values per key, entries, custom maps."""

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from homeassistant.core import HomeAssistant
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType as SimType, SimData, SimDevice
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.modbus.catalog import load_bundled_map
from custom_components.energy_monitor.lib.modbus.client import LinkPool
from custom_components.energy_monitor.lib.modbus.schema import RegisterMap
from custom_components.energy_monitor.sources.modbus.connection import DATA_LINKS
from simulators.modbus import ModbusMeterSimulator, encode_value, sunspec_chain

type StartModbus = Callable[..., Awaitable[ModbusMeterSimulator]]
"""The ``start_modbus`` fixture: start a gateway simulator for register maps."""

KNOWN: dict[str, float | str] = {
    "voltage_l1": 231.5,
    "voltage_l2": 232.5,
    "voltage_l3": 233.5,
    "voltage_l1_l2": 401.5,
    "voltage_l2_l3": 402.5,
    "voltage_l3_l1": 403.5,
    "current_l1": 10.25,
    "current_l2": 11.25,
    "current_l3": 12.25,
    "current": 33.75,
    "current_n": 0.5,
    "power_l1": -400.5,
    "power_l2": -410.5,
    "power_l3": -423.5,
    "grid_power": -1234.5,
    "va_l1": 500.5,
    "va_l2": 510.5,
    "va_l3": 520.5,
    "apparent_power": 2345.5,
    "var_l1": 100.5,
    "var_l2": 110.5,
    "var_l3": 120.5,
    "reactive_power": 345.5,
    "power_factor_l1": 0.625,
    "power_factor_l2": 0.5,
    "power_factor_l3": 0.875,
    "power_factor": 0.75,
    "frequency": 50.5,
    "grid_elec_import": 12345.5,
    "grid_elec_export": 2345.5,
    "grid_elec_import_l1": 4115.5,
    "grid_elec_import_l2": 4116.5,
    "grid_elec_import_l3": 4113.5,
    "grid_elec_export_l1": 781.5,
    "grid_elec_export_l2": 782.5,
    "grid_elec_export_l3": 783.5,
    "grid_reactive_import": 456.5,
    "grid_reactive_export": 56.5,
    "energy_total": 14691.0,
    "angle_v_an": 0.5,
    "angle_v_bn": -119.5,
    "angle_v_cn": 120.5,
    "angle_i_a": -10.5,
    "angle_i_b": -130.5,
    "angle_i_c": 110.5,
}
"""A distinct value per key, exactly representable in every bundled map."""

SUNSPEC_SCALES = {
    "a_sf": -2,
    "v_sf": -1,
    "hz_sf": -2,
    "w_sf": -1,
    "va_sf": -1,
    "var_sf": -1,
    "pf_sf": -2,
    "totwh_sf": 0,
}


def known_values(register_map: RegisterMap) -> dict[str, float | str]:
    """Return the known value of every sensor of a map (+ its scale factors)."""
    values: dict[str, float | str] = {
        key: value
        for key, value in SUNSPEC_SCALES.items()
        if key in map_keys(register_map)
    }
    for register in register_map.sensors:
        values[register.key] = KNOWN[register.key]
    return values


def map_keys(register_map: RegisterMap) -> set[str]:
    """Return every key of a map."""
    return {register.key for register in register_map.registers}


def modbus_entry(
    port: int, meter_model: str, unit_id: int = 1, **extra: object
) -> MockConfigEntry:
    """Return an entry exactly as the acceptance test writes it (plus extras)."""
    options = extra.pop("options", {})
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"{meter_model} (unit {unit_id})",
        data={
            "source": "modbus",
            "host": "127.0.0.1",
            "port": port,
            "unit_id": unit_id,
            "meter_model": meter_model,
            **extra,
        },
        options=options,
    )


SDM630 = load_bundled_map("eastron_sdm630")
"""The bundled Eastron SDM630 map, the meter most tests run."""


async def set_up_sdm630(
    hass: HomeAssistant, start_modbus: StartModbus
) -> tuple[ModbusMeterSimulator, MockConfigEntry]:
    """Start a gateway with an SDM630 showing the known values; set its entry up."""
    simulator = await start_modbus({1: SDM630})
    simulator.set_values(1, known_values(SDM630))
    entry = modbus_entry(simulator.port, "eastron_sdm630")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return simulator, entry


CUSTOM_HEADER = (
    "Metric Name,Metric Address,Metric Size,Scaling Factor,Data Type,Key,Register Type"
)


def write_custom_map(config_dir: str, name: str, *rows: str) -> Path:
    """Write a CSV map into the custom-map folder of a configuration."""
    folder = Path(config_dir) / "energy_monitor_maps"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([CUSTOM_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _signed(words: list[int]) -> list[int]:
    """Return registers as pymodbus' SimData keeps them (signed 16-bit)."""
    return [word - 0x10000 if word > 0x7FFF else word for word in words]


def _sim_data(
    register_map: RegisterMap, values: Mapping[str, float | str]
) -> list[SimData]:
    """Return a SimData block per value (so nothing else is readable)."""
    blocks = []
    for key, value in values.items():
        register = register_map.register(key)
        helper = register.scale_register
        exponent = int(values[helper]) if helper else 0
        words = _signed(encode_value(register, value, exponent))
        blocks.append(
            SimData(register.address, values=words, datatype=SimType.REGISTERS)
        )
    if register_map.sunspec_model:
        for address, words in sunspec_chain(register_map.sunspec_model).items():
            blocks.append(
                SimData(address, values=_signed(words), datatype=SimType.REGISTERS)
            )
    return blocks


async def start_stock_server(
    meters: Mapping[int, RegisterMap], values: Mapping[int, Mapping[str, float | str]]
) -> tuple[ModbusTcpServer, int]:
    """Serve known values from a stock pymodbus server, as a test harness would.

    Independent of our simulator: registers exist only where a map lists a
    value (pymodbus refuses reads of the others), holding and input alike.
    """
    devices = [
        SimDevice(id=unit, simdata=_sim_data(register_map, values[unit]))
        for unit, register_map in meters.items()
    ]
    server = ModbusTcpServer(devices, address=("127.0.0.1", 0))
    await server.serve_forever(background=True)
    port: int = server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    return server, port


class LinkClock:
    """A settable monotonic clock for the Modbus links of a test's hass."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Give every link of ``hass`` this clock, starting at 0."""
        self.now = 0.0
        hass.data[DATA_LINKS] = LinkPool(clock=self)

    def __call__(self) -> float:
        """Return the time."""
        return self.now
