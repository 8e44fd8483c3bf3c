"""Turn a Modbus entry's data into a link, a map and a meter reader.

Links are shared: every entry whose meter is behind the same gateway (or on
the same serial bus) uses one :class:`~...lib.modbus.client.ModbusLink`
from the pool kept in ``hass.data``, and the setup wizard borrows it too,
so a gateway that accepts a single client is never opened twice.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from ...const import DOMAIN
from ...lib.modbus.catalog import load_map
from ...lib.modbus.client import (
    Endpoint,
    LinkPool,
    ModbusLink,
    SerialEndpoint,
    TcpEndpoint,
    Transport,
)
from ...lib.modbus.schema import RegisterMap
from .const import (
    CONF_BAUDRATE,
    CONF_METER_MODEL,
    CONF_PARITY,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    CUSTOM_MAPS_DIR,
    DEFAULT_BAUDRATE,
    DEFAULT_PARITY,
    DEFAULT_PORT,
    DEFAULT_UNIT_ID,
    READ_TIMEOUT,
)

DATA_LINKS: HassKey[LinkPool] = HassKey(f"{DOMAIN}_modbus_links")


def link_pool(hass: HomeAssistant) -> LinkPool:
    """Return the pool of Modbus links shared by every entry."""
    return hass.data.setdefault(DATA_LINKS, LinkPool())


def acquire_link(hass: HomeAssistant, data: Mapping[str, Any]) -> ModbusLink:
    """Return the shared link to an entry's gateway or bus.

    Raises:
        LinkConflictError: when its serial port is open with other settings.
    """
    return link_pool(hass).acquire(endpoint_of(data), READ_TIMEOUT)


def transport_of(data: Mapping[str, Any]) -> Transport:
    """Return how an entry's meter is reached (TCP when not stored)."""
    if CONF_TRANSPORT in data:
        return Transport(data[CONF_TRANSPORT])
    return Transport.SERIAL if data.get(CONF_SERIAL_PORT) else Transport.TCP


def endpoint_of(data: Mapping[str, Any]) -> Endpoint:
    """Return the gateway or serial port of an entry (or wizard input)."""
    transport = transport_of(data)
    if transport is Transport.SERIAL:
        return SerialEndpoint(
            data[CONF_SERIAL_PORT],
            baudrate=int(data.get(CONF_BAUDRATE, DEFAULT_BAUDRATE)),
            parity=str(data.get(CONF_PARITY, DEFAULT_PARITY)),
        )
    return TcpEndpoint(
        str(data[CONF_HOST]),
        int(data.get(CONF_PORT, DEFAULT_PORT)),
        rtu_framing=transport is Transport.RTU_OVER_TCP,
    )


def unit_of(data: Mapping[str, Any]) -> int:
    """Return the meter's unit ID (1 when not stored)."""
    return int(data.get(CONF_UNIT_ID, DEFAULT_UNIT_ID))


def custom_maps_dir(hass: HomeAssistant) -> Path:
    """Return the folder of custom CSV maps."""
    return Path(hass.config.path(CUSTOM_MAPS_DIR))


async def async_load_map(hass: HomeAssistant, data: Mapping[str, Any]) -> RegisterMap:
    """Load (in an executor) the register map an entry names.

    Raises:
        MapError: when the map is unknown or unusable.
        OSError: when a custom map cannot be read.
    """
    return await hass.async_add_executor_job(
        load_map, str(data[CONF_METER_MODEL]), custom_maps_dir(hass)
    )
