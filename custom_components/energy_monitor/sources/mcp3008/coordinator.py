"""The reports of an ADC's channels: values per channel, energy, clipping.

Every 5 seconds the channels are sampled in an executor thread (never on the
event loop). Each value passes the :class:`ReadingFilter`; a CT's power is
integrated into energy (import and, with a voltage channel giving the sign,
export), whose lifetime totals pass a :class:`CounterGuard` and are stored,
so they survive restarts and never go backwards. A channel whose samples
touch 0 or full scale raises a repair issue: its input clips, and its
readings are too low.
"""

from collections import Counter
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.counters import CounterGuard
from ...lib.mcp3008.channels import AcVoltageChannel, Channel, CtChannel, Role
from ...lib.mcp3008.energy import EnergyIntegrator
from ...lib.mcp3008.monitor import (
    CURRENT,
    POWER,
    POWER_FACTOR,
    VALUE,
    VOLTAGE,
    Adc,
    ChannelReport,
)
from ...lib.readings import ReadingFilter
from ...lib.vocabulary import MAX_RATES, Key
from ...storage import CounterStore
from .connection import AdcUnusableError, OpenError, open_adc, spi_io
from .const import MAX_GAP, SCAN_INTERVAL

COUNTERS = "counters"
"""The section of the stored document that holds the energy totals."""

ROLE_KEYS: dict[Role, tuple[Key, Key, Key | None]] = {
    Role.GRID: (Key.GRID_POWER, Key.GRID_ELEC_IMPORT, Key.GRID_ELEC_EXPORT),
    Role.CIRCUIT: (Key.CIRCUIT_POWER, Key.METER_ELEC_IMPORT, Key.METER_ELEC_EXPORT),
    Role.PV: (Key.PV_POWER, Key.PV_ELEC_PROD, None),
}
"""A CT's power key, and its energy keys (import, export), by its role."""

type ChannelValues = dict[int, dict[str, float]]


def paired_voltage(ct: CtChannel, channels: list[Channel]) -> AcVoltageChannel | None:
    """Return the AC voltage channel a CT is paired with, if it exists."""
    for channel in channels:
        if isinstance(channel, AcVoltageChannel) and channel.channel == (
            ct.voltage_channel
        ):
            return channel
    return None


def channel_keys(channel: Channel, channels: list[Channel]) -> list[Key]:
    """Return the keys a channel reports (its entities)."""
    if isinstance(channel, AcVoltageChannel):
        return [Key.CIRCUIT_VOLTAGE_RMS]
    if not isinstance(channel, CtChannel):
        return [Key.ANALOG_VALUE]
    power, imported, exported = ROLE_KEYS[channel.role]
    keys = [Key.CIRCUIT_CURRENT_RMS, power, imported]
    if paired_voltage(channel, channels) is not None:
        keys += [Key.POWER_FACTOR] + ([exported] if exported else [])
    return keys


def issue_id(entry: EnergyMonitorConfigEntry, channel: int) -> str:
    """Return the ID of a channel's clipping issue (ends with the entry's ID)."""
    return f"mcp3008_clipping_{channel}_{entry.entry_id}"


class Mcp3008Coordinator(DataUpdateCoordinator[ChannelValues]):
    """Sample every channel of one ADC on an interval."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnergyMonitorConfigEntry,
        adc: Adc,
        channels: list[Channel],
    ) -> None:
        """Report ``channels`` of ``adc`` (its chip names the devices' model)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=entry.title,
            update_interval=SCAN_INTERVAL,
        )
        self.adc: Adc | None = adc
        self.adc_model = adc.chip.model.name
        self.adc_device_id = ""
        """The ADC's device (registry ID): the channels' devices are behind it."""
        self.channels = channels
        self.readings = ReadingFilter()
        self.clipped: Counter[int] = Counter()
        self.reports: dict[int, ChannelReport] = {}
        self._integrator = EnergyIntegrator(MAX_GAP)
        self._guard = CounterGuard(rates=MAX_RATES)
        self._store = CounterStore(hass, entry, {COUNTERS: self._guard})

    async def async_load(self) -> None:
        """Seed the energy totals stored before a restart."""
        await self._store.async_load(dt_util.utcnow().timestamp())

    async def async_save(self) -> None:
        """Store the energy totals now (unload)."""
        await self._store.async_save()

    def close(self) -> None:
        """Close the ADC (blocking)."""
        if self.adc is not None:
            self.adc.close()
            self.adc = None

    def measure(self, channels: list[Channel]) -> dict[int, ChannelReport]:
        """Sample ``channels`` (blocking); reopen the ADC after a failure.

        Raises:
            AdcUnusableError: when the ADC cannot be opened or read.
        """
        if self.adc is None:
            self.adc = open_adc(spi_io(self.hass), self.config_entry.data)
        try:
            return self.adc.measure(channels)
        except OSError as err:
            self.close()
            raise AdcUnusableError(OpenError.CANNOT_OPEN, str(err)) from err

    @override
    async def _async_update_data(self) -> ChannelValues:
        """Sample the channels and turn the reports into values.

        Raises:
            UpdateFailed: when the ADC cannot be read.
        """
        channels = list(self.channels)
        try:
            reports = await self.hass.async_add_executor_job(self.measure, channels)
        except AdcUnusableError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="mcp3008_read_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self.reports = reports
        now = dt_util.utcnow().timestamp()
        values: ChannelValues = {}
        for channel in channels:
            report = reports.get(channel.channel)
            if report is None:
                continue
            values[channel.channel] = self._values(channel, report, now)
            self._clipping(channel, report)
        return values

    def _values(
        self, channel: Channel, report: ChannelReport, now: float
    ) -> dict[str, float]:
        """Return a channel's plausible values, with its energy totals."""
        measured = report.values
        if isinstance(channel, AcVoltageChannel):
            return self.readings.filter({Key.CIRCUIT_VOLTAGE_RMS: measured[VOLTAGE]})
        if not isinstance(channel, CtChannel):
            return self.readings.filter({Key.ANALOG_VALUE: measured[VALUE]})
        power_key, import_key, export_key = ROLE_KEYS[channel.role]
        power = measured[POWER]
        if channel.role is Role.PV:
            power = abs(power)
        raw: dict[str, float] = {
            Key.CIRCUIT_CURRENT_RMS: measured[CURRENT],
            power_key: power,
        }
        if POWER_FACTOR in measured:
            raw[Key.POWER_FACTOR] = measured[POWER_FACTOR]
        values = self.readings.filter(raw)
        if power_key not in values:
            return values
        deltas = self._integrator.add(f"ch{channel.channel}", power, now)
        energy_keys = (import_key, export_key if POWER_FACTOR in measured else None)
        for key, delta in zip(energy_keys, deltas, strict=True):
            if key is None:
                continue
            name = f"ch{channel.channel}_{key}"
            total = self._guard.check(
                name, (self._guard.last(name) or 0.0) + delta, now, kind=key
            )
            if total is not None:
                values[key] = total
        self._store.async_schedule_save()
        return values

    def _clipping(self, channel: Channel, report: ChannelReport) -> None:
        """Raise the repair issue of a channel whose input clipped."""
        if not report.clipped:
            return
        self.clipped[channel.channel] += report.clipped
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id(self.config_entry, channel.channel),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="mcp3008_clipping",
            translation_placeholders={
                "channel": str(channel.channel),
                "name": channel.name,
                "title": self.config_entry.title,
            },
        )

    def diagnostics(self) -> dict[str, Any]:
        """Return the last reports, rejections and counter glitches."""
        return {
            "available": self.last_update_success,
            "reports": {
                channel: {
                    "values": report.values,
                    "samples": report.samples,
                    "rate": round(report.rate, 1),
                    "clipped": report.clipped,
                }
                for channel, report in self.reports.items()
            },
            "clipped_samples": dict(self.clipped),
            "values_rejected": dict(self.readings.rejected),
            "counter_glitches": self._guard.glitches,
            "energy": self._guard.snapshot(),
        }
