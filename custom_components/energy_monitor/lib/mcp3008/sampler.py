"""Whole mains cycles of one or two channels at a regular sample rate.

The conversions of the channels alternate (V, I, V, I, ...), each
``1 / (rate * channels)`` apart: the kernel spaces them with each transfer's
``delay_usecs``, so Python's timing never shows in the samples. The time the
kernel and the bus add between transfers is measured on every run and taken
off the next run's delay, and the samples are cut to the whole cycles the
measured rate gives.
"""

from dataclasses import dataclass
import math

from .chip import FRAME_BITS, Chip
from .spi import MAX_BATCH, SPIDEV_BUFSIZ, Batch, SpiDevice

DEFAULT_RATE = 4000.0
"""Samples per second per channel (80 per cycle at 50 Hz)."""
DEFAULT_CYCLES = 10
"""Mains cycles per measurement (200 ms at 50 Hz)."""
_CACHED_BATCHES = 16
"""Prepared batches kept (a report needs a handful)."""
_MARGIN = 1.05
"""Extra samples taken, in case the bus is slower than planned."""


@dataclass(frozen=True, slots=True)
class Sampled:
    """The codes of each channel (in the order asked) and the rate measured."""

    codes: tuple[list[int], ...]
    rate: float
    """Samples per second per channel, as measured."""


class Sampler:
    """Sample channels of one chip on one spidev node."""

    def __init__(
        self,
        device: SpiDevice,
        chip: Chip,
        *,
        rate: float = DEFAULT_RATE,
        max_batch: int | None = None,
    ) -> None:
        """Sample at ``rate`` per channel, at most ``max_batch`` per ioctl.

        ``max_batch`` of 1 makes one ioctl per sample (the benchmark's
        baseline); by default as many as one ioctl and spidev's buffer take.
        """
        self.device = device
        self.chip = chip
        self.rate = rate
        limit = min(MAX_BATCH, SPIDEV_BUFSIZ // 3)
        self.max_batch = limit if max_batch is None else min(max_batch, limit)
        self.overhead_us = 0.0
        """Measured time between transfers beyond the planned delay."""
        self._batches: dict[tuple[tuple[int, ...], int, int], Batch] = {}

    def sample(
        self,
        channels: tuple[int, ...],
        *,
        frequency: float,
        cycles: int = DEFAULT_CYCLES,
    ) -> Sampled:
        """Sample ``channels`` alternately over ``cycles`` mains cycles."""
        count = len(channels)
        wanted = math.ceil(cycles * self.rate / frequency * _MARGIN)
        transfer_us = FRAME_BITS * 1e6 / self.device.speed_hz
        period_us = 1e6 / (self.rate * count)
        delay_us = max(0, round(period_us - transfer_us - self.overhead_us))
        per_batch = max(count, self.max_batch - self.max_batch % count)
        total = wanted * count
        answers: list[bytes] = []
        clock = self.device.io.clock
        with self.device.lock:
            start = clock()
            done = 0
            while done < total:
                size = min(per_batch, total - done)
                answers.append(self.device.run(self._batch(channels, delay_us, size)))
                done += size
            elapsed = clock() - start
        codes = self.chip.decode_all(b"".join(answers))
        measured_us = elapsed * 1e6 / total if elapsed > 0 else period_us
        extra = measured_us - transfer_us - delay_us
        self.overhead_us = max(0.0, (self.overhead_us + extra) / 2)
        rate = 1e6 / (measured_us * count)
        keep = min(wanted, max(1, round(cycles * rate / frequency)))
        return Sampled(
            tuple(codes[index : keep * count : count] for index in range(count)),
            rate,
        )

    def _batch(self, channels: tuple[int, ...], delay_us: int, size: int) -> Batch:
        """Return the prepared transfers of one ioctl (prepared once)."""
        key = (channels, delay_us, size)
        batch = self._batches.get(key)
        if batch is None:
            frames = [self.chip.frame(channels[i % len(channels)]) for i in range(size)]
            if len(self._batches) > _CACHED_BATCHES:
                self._batches.clear()
            batch = self._batches[key] = self.device.prepare(frames, delay_us)
        return batch
