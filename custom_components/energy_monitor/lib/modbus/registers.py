"""Modbus data types and how raw 16-bit registers become values.

A value spans one or more registers. *Word order* says whether the most
significant register comes first (``big``, the Modbus convention) or last
(``little``, e.g. Carlo Gavazzi's INT32); *byte order* says whether each
register's two bytes are in Modbus order (``big``) or swapped (``little``).
"""

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
import math
import struct


class DataType(StrEnum):
    """How the bytes of a value are interpreted."""

    INT16 = "INT16"
    UINT16 = "UINT16"
    INT32 = "INT32"
    UINT32 = "UINT32"
    INT64 = "INT64"
    UINT64 = "UINT64"
    FLOAT32 = "FLOAT32"
    FLOAT64 = "FLOAT64"
    STRING = "STRING"
    """ASCII text, two characters per register (identity registers)."""


class WordOrder(StrEnum):
    """Order of the registers of a multi-register value."""

    BIG = "big"
    """Most significant register first (the Modbus convention)."""
    LITTLE = "little"
    """Least significant register first."""


class ByteOrder(StrEnum):
    """Order of the two bytes inside each register."""

    BIG = "big"
    """High byte first (the Modbus convention)."""
    LITTLE = "little"
    """Bytes swapped."""


_FORMATS: dict[DataType, tuple[str, int]] = {
    DataType.INT16: ("h", 1),
    DataType.UINT16: ("H", 1),
    DataType.INT32: ("i", 2),
    DataType.UINT32: ("I", 2),
    DataType.INT64: ("q", 4),
    DataType.UINT64: ("Q", 4),
    DataType.FLOAT32: ("f", 2),
    DataType.FLOAT64: ("d", 4),
}
FLOAT_TYPES = frozenset({DataType.FLOAT32, DataType.FLOAT64})
_SIGNIFICANT_DIGITS = {DataType.FLOAT32: 7, DataType.FLOAT64: 15}
"""Decimal digits a float type carries; more would only show binary noise."""

type RawValue = int | float | str


def register_count(data_type: DataType) -> int | None:
    """Return how many registers a value of ``data_type`` takes (None: any)."""
    spec = _FORMATS.get(data_type)
    return None if spec is None else spec[1]


def unsigned(value: int, count: int) -> int:
    """Return the register pattern of an integer of ``count`` registers.

    Two's complement: -1 in one register is 0xFFFF.
    """
    return value % (1 << (16 * count))


def _to_bytes(
    words: Sequence[int], word_order: WordOrder, byte_order: ByteOrder
) -> bytes:
    """Return the value's bytes, most significant first."""
    ordered = list(words) if word_order is WordOrder.BIG else list(reversed(words))
    data = bytearray()
    for word in ordered:
        high, low = (word >> 8) & 0xFF, word & 0xFF
        data += bytes((high, low) if byte_order is ByteOrder.BIG else (low, high))
    return bytes(data)


def _to_words(data: bytes, word_order: WordOrder, byte_order: ByteOrder) -> list[int]:
    """Split big-endian bytes into registers in the given orders."""
    words = []
    for index in range(0, len(data), 2):
        high, low = data[index], data[index + 1]
        if byte_order is ByteOrder.LITTLE:
            high, low = low, high
        words.append(high << 8 | low)
    return words if word_order is WordOrder.BIG else list(reversed(words))


def decode(
    words: Sequence[int],
    data_type: DataType,
    word_order: WordOrder = WordOrder.BIG,
    byte_order: ByteOrder = ByteOrder.BIG,
) -> RawValue:
    """Decode the registers of one value.

    Raises:
        ValueError: when the number of registers does not fit the type.
    """
    data = _to_bytes(words, word_order, byte_order)
    if data_type is DataType.STRING:
        return data.decode("latin-1").replace("\x00", " ").strip()
    fmt, count = _FORMATS[data_type]
    if len(words) != count:
        raise ValueError(f"{data_type} takes {count} registers, got {len(words)}")
    value: int | float = struct.unpack(f">{fmt}", data)[0]
    return value


def encode(
    value: RawValue,
    data_type: DataType,
    word_order: WordOrder = WordOrder.BIG,
    byte_order: ByteOrder = ByteOrder.BIG,
    count: int | None = None,
) -> list[int]:
    """Encode one value into registers (the inverse of :func:`decode`).

    ``count`` is the number of registers of a STRING (padded with NULs).

    Raises:
        ValueError: when the value does not fit the type.
    """
    if data_type is DataType.STRING:
        text = str(value).encode("latin-1")
        size = 2 * (count if count is not None else (len(text) + 1) // 2)
        if len(text) > size:
            raise ValueError(f"{value!r} does not fit {size // 2} registers")
        return _to_words(text.ljust(size, b"\x00"), word_order, byte_order)
    fmt, _count = _FORMATS[data_type]
    if data_type not in FLOAT_TYPES:
        if isinstance(value, str) or value != int(value):
            raise ValueError(f"{data_type} holds integers, not {value!r}")
        value = int(value)
    try:
        data = struct.pack(f">{fmt}", value)
    except struct.error as err:
        raise ValueError(f"{value!r} does not fit {data_type}") from err
    return _to_words(data, word_order, byte_order)


def scaled(
    raw: float,
    data_type: DataType,
    scale: float = 1.0,
    offset: float = 0.0,
    exponent: int = 0,
) -> float | None:
    """Return ``raw * scale * 10**exponent + offset`` without binary noise.

    Integers are scaled in decimal arithmetic (2301 x 0.1 is 230.1, not
    230.10000000000002); floats keep the digits their type carries (a
    FLOAT32 230.1 is 230.1, not 230.10000610351562). NaN and infinities (a
    meter's "not available") return None.
    """
    if isinstance(raw, int):
        exact = Decimal(raw)
    elif not math.isfinite(raw):
        return None
    else:
        digits = _SIGNIFICANT_DIGITS.get(data_type, 15)
        exact = Decimal(f"{raw:.{digits}g}")
    result = exact * Decimal(repr(scale)) * Decimal(10) ** exponent
    result += Decimal(repr(offset))
    return float(result)
