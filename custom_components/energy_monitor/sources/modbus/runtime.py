"""A loaded Modbus meter entry: its scan groups and link (``entry.runtime_data``).

An entry is one meter (a unit ID) behind a gateway or on a serial bus; all
meters behind the same gateway share one connection and show up as separate
devices.
"""

from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from ...entity import id_tail
from ...lib.modbus.catalog import product_name
from ...lib.modbus.client import LinkConflictError, ModbusLink
from ...lib.modbus.meter import MeterReader, Value, identity_text
from ...lib.modbus.schema import MapError, RegisterMap, ScanGroup
from .connection import acquire_link, async_load_map, link_pool, unit_of
from .const import (
    CONF_MAX_COUNT,
    CONF_MAX_GAP,
    CONF_METER_MODEL,
    ENERGY_INTERVAL,
    UPDATE_INTERVAL,
)
from .coordinator import ModbusGroupCoordinator, ModbusMeter
from .sensor import async_setup_sensors


class ModbusRuntime(SourceRuntime):
    """A running Modbus meter: its scan-group coordinators and shared link."""

    def __init__(
        self,
        hass: HomeAssistant,
        meter: ModbusMeter,
        coordinators: dict[ScanGroup, ModbusGroupCoordinator],
        device_info: DeviceInfo,
    ) -> None:
        """Keep what the entities and the shutdown need."""
        self.hass = hass
        self.meter = meter
        self.coordinators = coordinators
        self.device_info = device_info

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the meter's sensors."""
        async_setup_sensors(
            list(self.coordinators.values()), self.device_info, async_add_entities
        )

    @override
    async def async_shutdown(self) -> None:
        """Store the counters and let go of the shared connection."""
        await self.meter.async_save()
        await link_pool(self.hass).release(self.meter.reader.link)

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the map, the read plan and every group's values."""
        reader = self.meter.reader
        register_map = reader.register_map
        return {
            "map": {
                "model": register_map.model,
                "manufacturer": register_map.manufacturer,
                "product": register_map.product,
                "registers": len(register_map.registers),
            },
            "reader": reader.diagnostics(),
            "link": reader.link.diagnostics(),
            "groups": {
                group: coordinator.diagnostics()
                for group, coordinator in self.coordinators.items()
            },
            "counter_glitches": self.meter.counter_glitches,
            "values_rejected": dict(self.meter.readings.rejected),
        }


def _device_info(
    entry: EnergyMonitorConfigEntry, meter: ModbusMeter, identity: dict[str, Value]
) -> DeviceInfo:
    """Describe the meter's device (its identity where the meter tells it)."""
    register_map: RegisterMap = meter.reader.register_map
    serial = identity_text(identity.get("serial_number"))
    return DeviceInfo(
        identifiers={(DOMAIN, meter.device_id)},
        # Two meters of a model differ by serial; without one, by the title's unit.
        name=f"{product_name(register_map)} {id_tail(serial)}"
        if serial
        else entry.title,
        manufacturer=identity_text(identity.get("manufacturer"))
        or register_map.manufacturer,
        model=identity_text(identity.get("model")) or register_map.product,
        model_id=register_map.model,
        serial_number=identity_text(identity.get("serial_number")),
        sw_version=identity_text(identity.get("firmware_version")),
        hw_version=identity_text(identity.get("hardware_version")),
    )


type ModbusConfigEntry = ConfigEntry[ModbusRuntime]
"""An entry of this source (its ``runtime_data`` is a :class:`ModbusRuntime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> ModbusRuntime:
    """Load the map, share the connection and read the meter once.

    Raises:
        ConfigEntryError: when the map is unusable or the port is taken.
        ConfigEntryNotReady: when the meter cannot be read yet (raised by the
            first group's first refresh).
    """
    data = entry.data
    try:
        register_map = await async_load_map(hass, data)
    except (MapError, OSError) as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="modbus_invalid_map",
            translation_placeholders={
                "model": str(data.get(CONF_METER_MODEL)),
                "error": str(err),
            },
        ) from err
    pool = link_pool(hass)
    try:
        link: ModbusLink = acquire_link(hass, data)
    except LinkConflictError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="modbus_port_conflict",
            translation_placeholders={"error": str(err)},
        ) from err
    try:
        return await _async_start(hass, entry, link, register_map)
    except BaseException:
        await pool.release(link)
        raise


async def _async_start(
    hass: HomeAssistant,
    entry: EnergyMonitorConfigEntry,
    link: ModbusLink,
    register_map: RegisterMap,
) -> ModbusRuntime:
    """Create the coordinators and read every group once."""
    options = entry.options
    try:
        reader = MeterReader(
            link,
            unit_of(entry.data),
            register_map,
            max_count=options.get(CONF_MAX_COUNT),
            max_gap=options.get(CONF_MAX_GAP),
        )
    except ValueError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="modbus_invalid_map",
            translation_placeholders={"model": register_map.model, "error": str(err)},
        ) from err
    meter = ModbusMeter(hass, entry, reader)
    await meter.async_load()
    intervals = {
        ScanGroup.FAST: UPDATE_INTERVAL,
        ScanGroup.SLOW: ENERGY_INTERVAL,
        ScanGroup.ONCE: None,
    }
    coordinators = {
        group: ModbusGroupCoordinator(hass, entry, meter, group, intervals[group])
        for group in reader.groups
    }
    # The first group must answer: it proves the meter is there.
    first, *others = coordinators.values()
    await first.async_config_entry_first_refresh()
    for coordinator in others:
        await coordinator.async_refresh()
    once = coordinators.get(ScanGroup.ONCE)
    identity = once.data if once is not None and once.last_update_success else {}
    return ModbusRuntime(
        hass, meter, coordinators, _device_info(entry, meter, identity)
    )
