"""Fuzzing the P1 stream: thousands of mutated telegrams, seeded, in seconds.

Each mutated telegram (bit flips, replaced, inserted, deleted or repeated
bytes, cuts, splices, endless lines) is fed in random chunks, followed by a
valid telegram of the same meter. Asserted: no exception escapes the decoder,
the valid telegram still reads right, counters passed through the counter
guard never decrease or read 0, and no buffer holds more than one telegram.
"""

from collections.abc import Callable
import math
from pathlib import Path
import random

import pytest

from custom_components.energy_monitor.lib.counters import CounterGuard
from custom_components.energy_monitor.lib.p1.decrypt import MAX_FRAME_SIZE
from custom_components.energy_monitor.lib.p1.framing import MAX_TELEGRAM_SIZE
from custom_components.energy_monitor.lib.p1.model import P1Telegram
from custom_components.energy_monitor.lib.p1.stream import P1StreamDecoder
from custom_components.energy_monitor.lib.vocabulary import LIFETIME_COUNTERS

FIXTURES = Path(__file__).parents[1] / "fixtures"
SHARED_SAMPLES = Path(__file__).parents[3] / "shared" / "data" / "samples" / "dsmr"
SEED = 20261205
ROUNDS_PER_METER = 400
READ_SIZE = 4096
"""Largest chunk the reader takes off the line at once."""


def _samples() -> list[bytes]:
    """Return every distinct sample telegram (valid or not)."""
    paths = [
        *sorted((FIXTURES / "dsmr").glob("*.txt")),
        *sorted((FIXTURES / "dsmr_parser").glob("*.txt")),
        *sorted(SHARED_SAMPLES.glob("*.txt")),
    ]
    return list(dict.fromkeys(path.read_bytes() for path in paths))


def _decoded(data: bytes) -> P1Telegram | None:
    """Return the one telegram a fresh decoder reads from ``data``, if any."""
    items = P1StreamDecoder().feed(data)
    if len(items) == 1 and isinstance(items[0], P1Telegram):
        return items[0]
    return None


SAMPLES = _samples()
METERS = [sample for sample in SAMPLES if _decoded(sample) is not None]
"""Valid telegrams with a CRC line, complete without a flush."""


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Spoil ``data`` in one to four random ways."""
    spoiled = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        spoiled = MUTATIONS[rng.randrange(len(MUTATIONS))](rng, spoiled)
    return bytes(spoiled)


def _flip_bit(rng: random.Random, data: bytearray) -> bytearray:
    if data:
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return data


def _replace_byte(rng: random.Random, data: bytearray) -> bytearray:
    if data:
        data[rng.randrange(len(data))] = rng.choice(b"0123456789.*()!/\r\n:-ABCkW")
    return data


def _insert_bytes(rng: random.Random, data: bytearray) -> bytearray:
    at = rng.randrange(len(data) + 1)
    data[at:at] = rng.randbytes(rng.randint(1, 64))
    return data


def _delete_bytes(rng: random.Random, data: bytearray) -> bytearray:
    at = rng.randrange(len(data) + 1)
    del data[at : at + rng.randint(1, 64)]
    return data


def _repeat_bytes(rng: random.Random, data: bytearray) -> bytearray:
    at = rng.randrange(len(data) + 1)
    data[at:at] = data[at : at + rng.randint(1, 256)] * rng.randint(2, 20)
    return data


def _cut(rng: random.Random, data: bytearray) -> bytearray:
    return data[: rng.randrange(len(data) + 1)]


def _splice(rng: random.Random, data: bytearray) -> bytearray:
    other = rng.choice(SAMPLES)
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other)) :]


def _endless_line(rng: random.Random, data: bytearray) -> bytearray:
    """A line after '!' (or anywhere) that does not end for tens of kB."""
    at = data.find(b"!") + 1 or rng.randrange(len(data) + 1)
    return data[:at] + bytes([rng.choice(b"07A ")]) * rng.randint(1, 60_000)


MUTATIONS: list[Callable[[random.Random, bytearray], bytearray]] = [
    _flip_bit,
    _replace_byte,
    _insert_bytes,
    _delete_bytes,
    _repeat_bytes,
    _cut,
    _splice,
    _endless_line,
]


class Meter:
    """One meter's stream: decoder, counter guard, and what was published."""

    def __init__(self) -> None:
        """Start a connection."""
        self.decoder = P1StreamDecoder()
        self.guard = CounterGuard(max_rate_per_hour=250.0)
        self.published: dict[str, float] = {}
        self.clock = 0.0

    def feed(self, rng: random.Random, data: bytes) -> list[P1Telegram]:
        """Feed ``data`` in random chunks; return the telegrams read."""
        telegrams: list[P1Telegram] = []
        position = 0
        while position < len(data):
            size = rng.randint(1, READ_SIZE)
            items = self.decoder.feed(data[position : position + size])
            position += size
            self._check_buffers()
            telegrams += [item for item in items if isinstance(item, P1Telegram)]
        for telegram in telegrams:
            self._publish(telegram)
        return telegrams

    def _check_buffers(self) -> None:
        """No buffer holds more than one telegram."""
        decoder = self.decoder
        assert len(decoder._framer._buffer) <= MAX_TELEGRAM_SIZE
        for framer in (decoder._probe, decoder._encrypted):
            if framer is not None:
                assert len(framer._buffer._buffer) <= MAX_FRAME_SIZE

    def _publish(self, telegram: P1Telegram) -> None:
        """Pass the counters through the guard: never down, never 0."""
        self.clock += 1.0
        values = {
            key: value
            for key, value in telegram.values.items()
            if isinstance(value, float) and math.isfinite(value)
        }
        self.guard.check_values(values, LIFETIME_COUNTERS, self.clock)
        for key in LIFETIME_COUNTERS & values.keys():
            value = values[key]
            last = self.published.get(key)
            if last is not None:  # after the meter's first valid telegram
                assert value >= last, key
                assert value > 0 or last == 0, key
            self.published[key] = value


@pytest.mark.parametrize("meter", range(len(METERS)))
def test_mutated_telegrams_never_break_the_stream(meter: int) -> None:
    """Mutated telegrams between valid ones: see the module docstring."""
    rng = random.Random(SEED + meter)  # noqa: S311 - reproducible, not secret
    valid = METERS[meter]
    expected = _decoded(valid)
    assert expected is not None
    stream = Meter()
    stream.feed(rng, valid)
    for _ in range(ROUNDS_PER_METER):
        stream.feed(rng, _mutate(rng, rng.choice(SAMPLES)))
        telegrams = stream.feed(rng, valid)
        assert telegrams, "the valid telegram was lost"
        assert telegrams[-1].values == expected.values
        assert telegrams[-1].mbus == expected.mbus
