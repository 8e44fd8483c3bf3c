"""Helpers for P1 tests: entries, telegrams on demand, expected values."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import json
from typing import Any

from dsmr_parser.parsers import TelegramParser
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed_exact,
)

from custom_components.energy_monitor.const import DOMAIN
from simulators.p1 import P1TelegramBuilder, P1Variant
from simulators.profile import ZONE, SteppingClock
from tests.common import FIXTURES

DSMR_FIXTURES = FIXTURES / "dsmr"

LONGEST_BACKOFF = 60.0
"""Seconds: the P1 reader's longest wait before it reconnects."""

type ServeBytes = Callable[[bytes], Awaitable[int]]
"""The ``serve_bytes`` fixture: serve a payload on a loopback port, return it."""


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Let ``seconds`` of frozen time pass: every timer due by then runs.

    That includes the reader's (reconnect backoff, watchdog) and the
    simulator's (one telegram per step), which run on the same frozen loop.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed_exact(hass)
    await hass.async_block_till_done()


KEY = "00112233445566778899AABBCCDDEEFF"
"""An encryption key (32 hex digits) of an encrypted meter."""


def telegram_clock() -> SteppingClock:
    """Return a clock that advances one second per telegram."""
    return SteppingClock(datetime(2026, 11, 20, 14, 0, 0, tzinfo=ZONE))


def p1_entry(port: int, **extra: object) -> MockConfigEntry:
    """Return an entry for a network P1 meter on a loopback port."""
    options = {"update_interval": extra.pop("update_interval", 0)}
    return MockConfigEntry(
        domain=DOMAIN,
        title="P1 meter",
        data={
            "source": "p1",
            "host": "127.0.0.1",
            "port": port,
            "dsmr_version": "auto",
            **extra,
        },
        options=options,
        unique_id=None,
    )


class ConstantGrid:
    """A household whose grid power is whatever the test sets."""

    def __init__(self, watts: float = 500.0) -> None:
        """Start at ``watts``."""
        self.watts = watts

    def grid(self, moment: datetime) -> float:
        """Return the set grid power."""
        return self.watts


class TelegramFactory:
    """Write telegrams with chosen power and counters, one second apart."""

    def __init__(self, variant: P1Variant = P1Variant.DSMR5) -> None:
        """Start at a fixed moment."""
        self.grid = ConstantGrid()
        self.builder = P1TelegramBuilder(variant, self.grid)
        self.moment = datetime(2026, 11, 20, 14, 0, 0, tzinfo=ZONE)

    def telegram(self, watts: float | None = None, **counters: float) -> bytes:
        """Return the next telegram, with the grid power and counters given."""
        if watts is not None:
            self.grid.watts = watts
        if counters:
            # Same moment as the previous telegram: nothing is integrated, so
            # the counters are exactly the values given.
            for name, value in counters.items():
                setattr(self.builder.counters, name, value)
        else:
            self.moment += timedelta(seconds=1)
        return self.builder.build(self.moment)


def signed(body: str) -> bytes:
    """Return a telegram body (up to and with ``!``) with a fresh, valid CRC."""
    return f"{body}{TelegramParser.crc16(body):04X}\r\n".encode()


def strip_lines(payload: bytes, *markers: str) -> bytes:
    """Remove the lines containing any marker and write a fresh CRC."""
    text = payload.decode()
    lines = text[: text.index("!")].split("\r\n")
    body = "\r\n".join(
        line for line in lines if not any(marker in line for marker in markers)
    )
    return signed(f"{body}!")


def load_sample(name: str) -> tuple[bytes, dict[str, Any]]:
    """Return the bytes of a sample telegram and its expected values."""
    expected = json.loads((DSMR_FIXTURES / f"{name}.json").read_text())
    return (DSMR_FIXTURES / expected["telegram_file"]).read_bytes(), expected


_SIMPLE_FIELDS: dict[str, tuple[str, float]] = {
    "electricity_imported_t1_kwh": ("grid_elec_import_t1", 1),
    "electricity_imported_t2_kwh": ("grid_elec_import_t2", 1),
    "electricity_imported_t3_kwh": ("grid_elec_import_t3", 1),
    "electricity_imported_t4_kwh": ("grid_elec_import_t4", 1),
    "electricity_exported_t1_kwh": ("grid_elec_export_t1", 1),
    "electricity_exported_t2_kwh": ("grid_elec_export_t2", 1),
    "electricity_exported_t3_kwh": ("grid_elec_export_t3", 1),
    "electricity_exported_t4_kwh": ("grid_elec_export_t4", 1),
    "electricity_imported_total_kwh": ("grid_elec_import", 1),
    "electricity_exported_total_kwh": ("grid_elec_export", 1),
    "power_import_kw": ("grid_power_import", 1000),
    "power_export_kw": ("grid_power_export", 1000),
}
_PHASE_FIELDS: dict[str, tuple[str, float]] = {
    "voltage_v": ("voltage", 1),
    "current_a": ("current", 1),
    "power_import_kw": ("power_import", 1000),
    "power_export_kw": ("power_export", 1000),
}


def expected_states(fields: dict[str, Any]) -> dict[str, float | str]:
    """Turn a sample's hand-read fields into the states our sensors must show."""
    states: dict[str, float | str] = {}
    for name, (key, factor) in _SIMPLE_FIELDS.items():
        if name in fields:
            states[key] = fields[name]["value"] * factor
    for direction in ("imported", "exported"):
        total = f"grid_elec_{direction[:6]}"
        tariffs = [
            fields[f"electricity_{direction}_t{i}_kwh"]["value"]
            for i in range(1, 5)
            if f"electricity_{direction}_t{i}_kwh" in fields
        ]
        if total not in states and tariffs:
            states[total] = sum(tariffs)
    if "active_tariff" in fields:
        states["grid_tariff"] = str(fields["active_tariff"]["value"])
    for phase, values in fields.get("phases", {}).items():
        for name, (prefix, factor) in _PHASE_FIELDS.items():
            if name in values:
                states[f"{prefix}_{phase}"] = values[name]["value"] * factor
    if "grid_power_import" in states:
        exported = states.get("grid_power_export", 0.0)
        assert isinstance(exported, float)
        states["grid_power"] = float(states["grid_power_import"]) - exported
    capacity = fields.get("capacity_tariff", {})
    if "current_average_demand_kw" in capacity:
        states["demand_current_quarter"] = capacity["current_average_demand_kw"][
            "value"
        ]
    if "maximum_demand_month" in capacity:
        states["demand_month_peak"] = capacity["maximum_demand_month"]["value_kw"]
    return states


def expected_mbus(fields: dict[str, Any]) -> dict[str, float]:
    """Return ``{unique_id: value}`` of the gas and water meters of a sample."""
    keys = {"gas": "grid_gas_import", "water": "grid_water_import"}
    states = {}
    for device in [*fields.get("gas", []), *fields.get("other_mbus", [])]:
        reading = device.get("reading")
        if not reading or reading.get("value") is None:
            continue
        identifier = device["equipment_id"]
        device_id = identifier.get("decoded_ascii") or identifier["value"]
        states[f"{device_id}_{keys[device['kind']]}"] = reading["value"]
    return states


@dataclass
class Link:
    """One client connection of a loopback 'dongle' the test writes to."""

    port: int
    writer: asyncio.StreamWriter | None = None

    async def send(self, payload: bytes) -> None:
        """Send bytes to the connected reader."""
        assert self.writer is not None
        self.writer.write(payload)
        await self.writer.drain()
