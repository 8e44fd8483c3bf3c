"""A simulated MCP3008/MCP3208 behind the spidev ioctl interface.

:class:`FakeSpiIo` stands in for the operating system's spidev nodes at the
one edge that cannot run here: listing ``/dev/spidev*``, ``open``,
``ioctl`` and ``close``. Each ``SPI_IOC_MESSAGE`` is decoded from the
kernel's ``struct spi_ioc_transfer`` array the driver built, and every
transfer is answered bit by bit as the datasheets' timing diagrams say
(:class:`FakeChip`): DOUT is high impedance (read as 1) until the null bit,
then the result MSB first, then (if clocking continues) LSB first, then
zeros. Time is virtual: each transfer takes its clocks at ``speed_hz`` plus
its ``delay_usecs``, and an input is sampled at that moment, so waveforms
are sampled exactly as a real bus would.

:func:`household` is a chip on a 3.3 V reference with a CT on a household
circuit (a mains current with harmonics, noise, mid-rail DC bias and a
kettle that switches on and off) on channel 0 and an AC-AC adapter on
channel 1; ``DEV`` installs it in the development instance when the
machine has no SPI device.
"""

from collections.abc import Callable, Mapping
import ctypes
from dataclasses import dataclass, field
import errno
import math
import random
from typing import Any

from custom_components.energy_monitor.lib.mcp3008.chip import CHIPS, ChipModel
from custom_components.energy_monitor.lib.mcp3008.spi import (
    OS_IO,
    SPI_IOC_WR_BITS_PER_WORD,
    SPI_IOC_WR_MAX_SPEED_HZ,
    SPI_IOC_WR_MODE,
    SPIDEV_BUFSIZ,
    SpiIocTransfer,
    message_count,
)

from .dev import DevDevice, DevSetup

type Waveform = Callable[[float], float]
"""Volts at an input at a moment (seconds)."""


def _unwired(_at: float) -> float:
    """Return the volts of an input nothing is connected to (pulled down)."""
    return 0.0


_START_TO_NULL = 6
"""Clocks from the start bit to the null bit: SGL, D2, D1, D0, sample."""


@dataclass
class FakeChip:
    """An MCP3008/MCP3208 whose inputs follow waveforms."""

    model: ChipModel = ChipModel.MCP3008
    vref: float = 3.3
    inputs: dict[int, Waveform] = field(default_factory=dict)

    def code(self, channel: int, at: float) -> int:
        """Return the conversion of ``channel`` at ``at`` (0 V if unwired)."""
        bits = CHIPS[self.model].bits
        volts = self.inputs.get(channel, _unwired)(at)
        code = math.floor(volts / self.vref * (1 << bits))
        return max(0, min((1 << bits) - 1, code))

    def answer(self, tx: bytes, at: float) -> bytes:
        """Return what DOUT shifts out while DIN shifts in ``tx`` (MSB first)."""
        bits = CHIPS[self.model].bits
        din = [(byte >> (7 - i)) & 1 for byte in tx for i in range(8)]
        dout = [1] * len(din)
        try:
            start = din.index(1)
        except ValueError:
            return bytes(b"\xff" * len(tx))
        control = din[start + 1 : start + 5]
        if len(control) == 4:  # noqa: PLR2004
            single, d2, d1, d0 = control
            channel = d2 << 2 | d1 << 1 | d0
            code = self.code(channel, at)
            if not single:  # pseudo-differential: IN+ minus IN-
                code = max(0, code - self.code(channel ^ 1, at))
            msb_first = [(code >> (bits - 1 - i)) & 1 for i in range(bits)]
            stream = [0, *msb_first, *msb_first[::-1][1:]]
            null = start + _START_TO_NULL
            for offset in range(len(din) - null):
                dout[null + offset] = stream[offset] if offset < len(stream) else 0
        return bytes(
            sum(bit << (7 - i) for i, bit in enumerate(dout[n : n + 8]))
            for n in range(0, len(dout), 8)
        )


@dataclass
class FakeSpiIo:
    """The spidev nodes of a machine, with simulated chips behind them."""

    chips: Mapping[str, FakeChip] = field(default_factory=dict)
    denied: frozenset[str] = frozenset()
    """Nodes that exist but the user may not open."""
    broken: set[str] = field(default_factory=set)
    """Nodes whose every ioctl fails (an unplugged or misbehaving device)."""
    now: float = 0.0
    ioctls: int = 0
    speed_hz: dict[int, int] = field(default_factory=dict)
    _open: dict[int, str] = field(default_factory=dict)
    _next_fd: int = 100

    def devices(self) -> list[str]:
        """Return the nodes there are."""
        return sorted({*self.chips, *self.denied})

    def open(self, path: str) -> int:
        """Open a node (``FileNotFoundError``, ``PermissionError`` like Linux)."""
        if path in self.denied:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        if path not in self.chips:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        fd = self._next_fd
        self._next_fd += 1
        self._open[fd] = path
        return fd

    def close(self, fd: int) -> None:
        """Close a node."""
        self._open.pop(fd)

    def open_paths(self) -> list[str]:
        """Return the nodes open now, one per descriptor."""
        return sorted(self._open.values())

    def clock(self) -> float:
        """Return the virtual time: the bus's clocks and delays so far."""
        return self.now

    def ioctl(self, fd: int, request: int, arg: Any) -> None:
        """Set mode, word size and clock, or run an ``SPI_IOC_MESSAGE``.

        Raises:
            OSError: for a closed descriptor, an unknown request or setting,
                or a message spidev would refuse (like the kernel).
        """
        path = self._path(fd)
        if path in self.broken:
            raise OSError(errno.EIO, "Input/output error")
        chip = self.chips[path]
        self.ioctls += 1
        if request == SPI_IOC_WR_MODE:
            if arg.value != 0:
                raise OSError(errno.EINVAL, "MCP3xxx runs in SPI mode 0 or 3")
            return
        if request == SPI_IOC_WR_BITS_PER_WORD:
            if arg.value != 8:  # noqa: PLR2004
                raise OSError(errno.EINVAL, "8-bit words only")
            return
        if request == SPI_IOC_WR_MAX_SPEED_HZ:
            self.speed_hz[fd] = arg.value
            return
        count = message_count(request)
        if count is None or ctypes.sizeof(arg) != count * ctypes.sizeof(SpiIocTransfer):
            raise OSError(errno.ENOTTY, "Inappropriate ioctl for device")
        transfers = (SpiIocTransfer * count).from_buffer(arg)
        if sum(t.len for t in transfers) > SPIDEV_BUFSIZ:
            raise OSError(errno.EMSGSIZE, "Message too long")
        for transfer in transfers:
            speed = transfer.speed_hz or self.speed_hz[fd]
            tx = ctypes.string_at(transfer.tx_buf, transfer.len)
            rx = chip.answer(tx, self.now)
            ctypes.memmove(transfer.rx_buf, rx, transfer.len)
            self.now += transfer.len * 8 / speed + transfer.delay_usecs / 1e6

    def _path(self, fd: int) -> str:
        """Return the node of an open descriptor (``EBADF`` if none)."""
        try:
            return self._open[fd]
        except KeyError:
            raise OSError(errno.EBADF, "Bad file descriptor") from None


def sine(
    *,
    bias: float,
    amplitude: float,
    frequency: float = 50.0,
    phase_deg: float = 0.0,
    harmonics: Mapping[int, float] | None = None,
    noise: float = 0.0,
    seed: int = 1,
) -> Waveform:
    """Return a biased sine (volts) with harmonics (n: fraction) and noise."""
    rng = random.Random(seed)
    extra = dict(harmonics or {})
    phase = math.radians(phase_deg)

    def volts(at: float) -> float:
        angle = 2 * math.pi * frequency * at + phase
        value = math.sin(angle) + sum(
            share * math.sin(n * angle) for n, share in extra.items()
        )
        return bias + amplitude * value + (rng.gauss(0, noise) if noise else 0.0)

    return volts


HOUSEHOLD_AMPS_PER_VOLT = 30.0
"""The household CT: an SCT-013-030 (1 V at 30 A)."""


def household(vref: float = 3.3) -> FakeChip:
    """Return a chip with a household CT (channel 0) and voltage (channel 1).

    The load is 2 A with a 3rd and 5th harmonic, plus a 2 kW kettle during
    the first 60 s of every 4 minutes, slightly inductive (lags 10°).
    """
    bias = vref / 2
    mains = sine(bias=bias, amplitude=0.6 * math.sqrt(2), noise=0.002, seed=2)
    base = sine(
        bias=0.0,
        amplitude=2.0 * math.sqrt(2) / HOUSEHOLD_AMPS_PER_VOLT,
        phase_deg=-10.0,
        harmonics={3: 0.15, 5: 0.05},
        noise=0.002,
        seed=3,
    )
    kettle = sine(bias=0.0, amplitude=8.7 * math.sqrt(2) / HOUSEHOLD_AMPS_PER_VOLT)

    def current(at: float) -> float:
        on = (at % 240.0) < 60.0  # noqa: PLR2004
        return bias + base(at) + (kettle(at) if on else 0.0)

    return FakeChip(ChipModel.MCP3008, vref, {0: current, 1: mains})


async def install_household(hass: Any) -> None:
    """Serve the household chip as /dev/spidev0.0 when there is no SPI device.

    The machine's nodes are listed in an executor (a directory scan).
    """
    from custom_components.energy_monitor.sources.mcp3008.connection import (  # noqa: I001, PLC0415
        SPI_IO,
    )

    if not await hass.async_add_executor_job(OS_IO.devices):
        hass.data[SPI_IO] = FakeSpiIo({"/dev/spidev0.0": household()})


HOUSEHOLD_CT_FORM: dict[str, Any] = {
    "channel": "0",
    "name": "Household",
    "role": "circuit",
    "ct_type": "voltage_output",
    "rated_current": HOUSEHOLD_AMPS_PER_VOLT,
    "rated_voltage": 1.0,
    "turns": 2000,
    "burden_ohm": 22,
    "frequency": "50",
    "nominal_voltage": 230,
    "power_factor": 1,
    "phase_deg": 0,
    "noise_floor": 0.05,
    "gain": 1,
}
"""The wizard's CT form for the household CT (an SCT-013-030 on channel 0)."""

DEV = DevSetup(
    devices=(
        DevDevice(
            "MCP3008 with a household CT clamp (simulated SPI)",
            (
                {"next_step_id": "mcp3008"},
                {"spi_bus": 0, "spi_device": 0, "chip": "mcp3008", "vref": 3.3},
                HOUSEHOLD_CT_FORM,
            ),
        ),
    ),
    in_process=install_household,
)
"""The development instance's ADC (simulated when the machine has no SPI)."""
