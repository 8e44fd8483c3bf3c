"""One report of every channel of an ADC: what the entities show.

Runs in an executor thread (it blocks for the sampling: 200 ms per AC
channel at 50 Hz). A CT paired with an AC voltage channel gives real power
(signed: + import, - export) and power factor; a CT on its own gives
``current * nominal voltage * power factor``. A current below the channel's
noise floor is 0 (and so is its power).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from .channels import AcVoltageChannel, Channel, CtChannel, LinearChannel
from .chip import CHANNELS, Chip
from .sampler import Sampler
from .signal import clipped, mean, real_power, rms_ac, stuck_at_rail
from .spi import SpiDevice, SpiIo

CURRENT = "current"
POWER = "power"
POWER_FACTOR = "power_factor"
VOLTAGE = "voltage"
VALUE = "value"
"""The quantities of a report (the HA glue maps them to vocabulary keys)."""


@dataclass(slots=True)
class ChannelReport:
    """What one channel measured."""

    values: dict[str, float] = field(default_factory=dict)
    clipped: int = 0
    """Samples at 0 or full scale."""
    samples: int = 0
    rate: float = 0.0


class Adc:
    """An MCP3008/MCP3208 on a spidev node, and its sampler."""

    def __init__(self, io: SpiIo, path: str, chip: Chip, vref: float) -> None:
        """Open the node (raises ``OSError`` as :class:`SpiDevice`)."""
        self.chip = chip
        self.vref = vref
        self.device = SpiDevice(io, path, chip.speed_hz)
        self.sampler = Sampler(self.device, chip)

    @property
    def volts_per_code(self) -> float:
        """Return the input volts one code stands for."""
        return self.vref / (self.chip.full_scale + 1)

    def close(self) -> None:
        """Close the node."""
        self.device.close()

    def stuck_channels(self, channels: Sequence[int] = range(CHANNELS)) -> list[int]:
        """Return the channels that read a constant 0 or full scale."""
        return [
            channel
            for channel in channels
            if stuck_at_rail(
                self.sampler.sample((channel,), frequency=50.0, cycles=1).codes[0],
                self.chip.full_scale,
            )
        ]

    def measure(self, channels: Sequence[Channel]) -> dict[int, ChannelReport]:
        """Measure every channel once; return each one's report."""
        by_number = {channel.channel: channel for channel in channels}
        reports: dict[int, ChannelReport] = {}
        for channel in channels:
            if isinstance(channel, CtChannel):
                paired = by_number.get(channel.voltage_channel)  # type: ignore[arg-type]
                if isinstance(paired, AcVoltageChannel):
                    reports[channel.channel], voltage = self._ct_pair(channel, paired)
                    reports.setdefault(paired.channel, voltage)
                else:
                    reports[channel.channel] = self._ct(channel)
        for channel in channels:
            if isinstance(channel, AcVoltageChannel):
                reports.setdefault(channel.channel, self._voltage(channel))
            elif isinstance(channel, LinearChannel):
                reports[channel.channel] = self._linear(channel)
        return reports

    def _ct(self, ct: CtChannel) -> ChannelReport:
        """Measure a CT on its own: current, and power from nominal values."""
        sampled = self.sampler.sample((ct.channel,), frequency=ct.frequency)
        codes = sampled.codes[0]
        current = rms_ac(codes) * self.volts_per_code * ct.amps_per_volt
        if current < ct.noise_floor:
            current = 0.0
        return ChannelReport(
            {CURRENT: current, POWER: current * ct.nominal_voltage * ct.power_factor},
            clipped(codes, self.chip.full_scale),
            len(codes),
            sampled.rate,
        )

    def _ct_pair(
        self, ct: CtChannel, ac: AcVoltageChannel
    ) -> tuple[ChannelReport, ChannelReport]:
        """Measure a CT with its voltage: real power, its sign, power factor."""
        sampled = self.sampler.sample((ac.channel, ct.channel), frequency=ct.frequency)
        v_codes, i_codes = sampled.codes
        v_scale = self.volts_per_code * ac.ratio * ac.gain
        i_scale = self.volts_per_code * ct.amps_per_volt
        voltage = [code * v_scale for code in v_codes]
        current = [code * i_scale for code in i_codes]
        v_rms = rms_ac(voltage)
        i_rms = rms_ac(current)
        per_cycle = sampled.rate / ct.frequency
        power = real_power(
            voltage,
            current,
            current_at=0.5,
            shift=ct.phase_deg / 360.0 * per_cycle,
        )
        values = {CURRENT: i_rms, POWER: power, POWER_FACTOR: 0.0}
        apparent = v_rms * i_rms
        if i_rms < ct.noise_floor:
            values[CURRENT] = values[POWER] = 0.0
        elif apparent > 0:
            values[POWER_FACTOR] = max(-1.0, min(1.0, power / apparent))
        full_scale = self.chip.full_scale
        return (
            ChannelReport(
                values, clipped(i_codes, full_scale), len(i_codes), sampled.rate
            ),
            ChannelReport(
                {VOLTAGE: v_rms},
                clipped(v_codes, full_scale),
                len(v_codes),
                sampled.rate,
            ),
        )

    def _voltage(self, ac: AcVoltageChannel) -> ChannelReport:
        """Measure an AC voltage channel on its own."""
        sampled = self.sampler.sample((ac.channel,), frequency=ac.frequency)
        codes = sampled.codes[0]
        volts = rms_ac(codes) * self.volts_per_code * ac.ratio * ac.gain
        return ChannelReport(
            {VOLTAGE: volts},
            clipped(codes, self.chip.full_scale),
            len(codes),
            sampled.rate,
        )

    def _linear(self, linear: LinearChannel) -> ChannelReport:
        """Measure a DC channel: the mean over one 50 Hz cycle (hum cancels)."""
        sampled = self.sampler.sample((linear.channel,), frequency=50.0, cycles=1)
        codes = sampled.codes[0]
        volts = mean(codes) * self.volts_per_code
        return ChannelReport(
            {VALUE: linear.offset + linear.gain * volts},
            0,
            len(codes),
            sampled.rate,
        )
