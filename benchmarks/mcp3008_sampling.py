"""MCP3008 sampling cost: batched ioctl transfers versus one ioctl per sample.

No SPI hardware runs here, so two stand-ins for the kernel are used behind
the real driver (:mod:`...lib.mcp3008.spi`, sampler, framing, RMS):

* a *null bus* whose ioctl copies a biased sine into the receive buffer in
  one go: the cost is then the driver's own (Python, ctypes, the ioctl
  call, decoding, maths), what a Raspberry Pi adds on top of the bus (a real
  ioctl adds a system call and the SPI controller's setup per call, which
  batching pays once per 511 samples instead of once per sample);
* the bit-exact simulated chip (``simulators/mcp3008.py``), for reference
  (its bit-level simulation dominates).

Printed: CPU time per channel-report (10 cycles at 50 Hz, 4 kHz: 800
samples, sampling loop + RMS) batched and with one ioctl per sample, the
samples per CPU-second each way, and the ratios (baseline: one ioctl per
sample, measured in the same run). Run:
``.venv/bin/python benchmarks/mcp3008_sampling.py [--reports 50]``
"""

import argparse
import ctypes
import math
from pathlib import Path
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.energy_monitor.lib.mcp3008.channels import CtChannel
from custom_components.energy_monitor.lib.mcp3008.chip import CHIPS, ChipModel
from custom_components.energy_monitor.lib.mcp3008.monitor import CURRENT, Adc
from custom_components.energy_monitor.lib.mcp3008.spi import (
    MAX_BATCH,
    SpiIo,
    SpiIocTransfer,
    message_count,
)
from simulators.mcp3008 import FakeChip, FakeSpiIo, sine

PATH = "/dev/spidev0.0"
CHIP = CHIPS[ChipModel.MCP3208]


class NullBus:
    """A kernel that answers every transfer at once with a biased sine."""

    def __init__(self) -> None:
        """Prepare the answers: a cycle of 80 samples, repeated past a batch."""
        self._answers = b"".join(
            bytes((0, (code >> 8) & 0x0F, code & 0xFF))
            for code in (
                round(2048 + 600 * math.sin(2 * math.pi * k / 80))
                for k in range(80 + MAX_BATCH)
            )
        )
        self._next = 0
        self._now = 0.0

    def devices(self) -> list[str]:
        """Return the one node."""
        return [PATH]

    def open(self, path: str) -> int:
        """Open the node."""
        return 3

    def close(self, fd: int) -> None:
        """Close the node."""

    def clock(self) -> float:
        """Return the bus's time: the transfers clocked so far."""
        return self._now

    def ioctl(self, fd: int, request: int, arg: ctypes.Array[SpiIocTransfer]) -> None:
        """Fill the receive buffers of a message (contiguous: one copy)."""
        count = message_count(request)
        if count is None:
            return
        first = (SpiIocTransfer * count).from_buffer(arg)[0]
        start = self._next * 3
        ctypes.memmove(
            first.rx_buf, self._answers[start : start + count * 3], count * 3
        )
        self._next = (self._next + count) % 80
        self._now += count * (24 / first.speed_hz + first.delay_usecs / 1e6)


def _cpu_per_report(io: SpiIo, max_batch: int, reports: int) -> tuple[float, float]:
    """Return CPU seconds per channel-report and the last RMS current."""
    adc = Adc(io, PATH, CHIP, 3.3)
    adc.sampler.max_batch = max_batch
    ct = CtChannel(channel=0, name="CT")
    amps = 0.0
    adc.measure([ct])  # prepare the batches once, as a running entry has
    start = time.process_time()
    for _ in range(reports):
        amps = adc.measure([ct])[0].values[CURRENT]
    elapsed = (time.process_time() - start) / reports
    adc.close()
    return elapsed, amps


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=50)
    args = parser.parse_args()
    samples = 800
    print(f"channel-report: {samples} samples (10 cycles at 50 Hz, 4 kHz)")
    results = {}
    for name, max_batch in (("batched (511/ioctl)", 511), ("one ioctl per sample", 1)):
        cpu, amps = _cpu_per_report(NullBus(), max_batch, args.reports)
        results[name] = cpu
        print(
            f"  null bus, {name:22}: {cpu * 1000:7.2f} ms CPU per report,"
            f" {samples / cpu:9.0f} samples per CPU-second (Irms {amps:.2f} A)"
        )
    batched, single = results.values()
    print(f"  ratio one-per-sample / batched: {single / batched:.1f}x CPU")
    print(
        f"  batched driver CPU per report / its 200 ms window: {batched / 0.2:.1%}"
        " of a core"
    )
    chip = FakeChip(
        ChipModel.MCP3208, 3.3, {0: sine(bias=1.65, amplitude=0.3, harmonics={3: 0.2})}
    )
    cpu, amps = _cpu_per_report(FakeSpiIo({PATH: chip}), 511, max(1, args.reports // 5))
    print(
        f"  bit-exact simulated chip, batched: {cpu * 1000:7.2f} ms CPU per report"
        f" (simulation included; Irms {amps:.2f} A)"
    )


if __name__ == "__main__":
    main()
