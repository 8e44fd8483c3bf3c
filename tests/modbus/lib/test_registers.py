"""Data types x word order x byte order: raw registers <-> values."""

import math

import pytest

from custom_components.energy_monitor.lib.modbus.registers import (
    ByteOrder,
    DataType,
    WordOrder,
    decode,
    encode,
    register_count,
    scaled,
)

ORDERS = [(w, b) for w in WordOrder for b in ByteOrder]
VALUES: dict[DataType, list[int | float]] = {
    DataType.INT16: [0, 1, -1, 32767, -32768, -1234],
    DataType.UINT16: [0, 1, 65535, 40000],
    DataType.INT32: [0, -1, 2**31 - 1, -(2**31), -123456789],
    DataType.UINT32: [0, 2**32 - 1, 123456789],
    DataType.INT64: [0, -1, 2**63 - 1, -(2**63), -1234567890123],
    DataType.UINT64: [0, 2**64 - 1, 1234567890123],
    DataType.FLOAT32: [0.0, 230.5, -1234.5, 1e-3, -0.0],
    DataType.FLOAT64: [0.0, 230.1, -1234.56789, 1e300],
}


@pytest.mark.parametrize(("word_order", "byte_order"), ORDERS)
@pytest.mark.parametrize("data_type", list(VALUES))
def test_round_trip(
    data_type: DataType, word_order: WordOrder, byte_order: ByteOrder
) -> None:
    """Every value survives encoding and decoding in every order."""
    for value in VALUES[data_type]:
        words = encode(value, data_type, word_order, byte_order)
        assert len(words) == register_count(data_type)
        assert all(0 <= word <= 0xFFFF for word in words)
        decoded = decode(words, data_type, word_order, byte_order)
        if data_type is DataType.FLOAT32:
            assert decoded == pytest.approx(value, rel=1e-7)
        else:
            assert decoded == value


@pytest.mark.parametrize(("word_order", "byte_order"), ORDERS)
@pytest.mark.parametrize("data_type", [DataType.FLOAT32, DataType.FLOAT64])
def test_nan(data_type: DataType, word_order: WordOrder, byte_order: ByteOrder) -> None:
    """NaN decodes as NaN and scales to None (unknown), as do infinities."""
    words = encode(math.nan, data_type, word_order, byte_order)
    raw = decode(words, data_type, word_order, byte_order)
    assert isinstance(raw, float)
    assert math.isnan(raw)
    assert scaled(raw, data_type) is None
    infinite = decode(
        encode(-math.inf, data_type, word_order, byte_order),
        data_type,
        word_order,
        byte_order,
    )
    assert scaled(infinite, data_type) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "data_type", "word_order", "byte_order", "words"),
    [
        (230.1, DataType.FLOAT32, WordOrder.BIG, ByteOrder.BIG, [0x4366, 0x199A]),
        (230.1, DataType.FLOAT32, WordOrder.LITTLE, ByteOrder.BIG, [0x199A, 0x4366]),
        (230.1, DataType.FLOAT32, WordOrder.BIG, ByteOrder.LITTLE, [0x6643, 0x9A19]),
        (230.1, DataType.FLOAT32, WordOrder.LITTLE, ByteOrder.LITTLE, [0x9A19, 0x6643]),
        (-2, DataType.INT32, WordOrder.BIG, ByteOrder.BIG, [0xFFFF, 0xFFFE]),
        (-2, DataType.INT32, WordOrder.LITTLE, ByteOrder.BIG, [0xFFFE, 0xFFFF]),
        (
            0x12345678,
            DataType.UINT32,
            WordOrder.LITTLE,
            ByteOrder.LITTLE,
            [0x7856, 0x3412],
        ),
        (-2, DataType.INT16, WordOrder.BIG, ByteOrder.LITTLE, [0xFEFF]),
        (1, DataType.UINT64, WordOrder.BIG, ByteOrder.BIG, [0, 0, 0, 1]),
        (1, DataType.UINT64, WordOrder.LITTLE, ByteOrder.BIG, [1, 0, 0, 0]),
        (1.0, DataType.FLOAT64, WordOrder.BIG, ByteOrder.BIG, [0x3FF0, 0, 0, 0]),
    ],
)
def test_known_patterns(
    value: float,
    data_type: DataType,
    word_order: WordOrder,
    byte_order: ByteOrder,
    words: list[int],
) -> None:
    """The register patterns are those manufacturers document."""
    assert encode(value, data_type, word_order, byte_order) == words
    decoded = decode(words, data_type, word_order, byte_order)
    assert scaled(decoded, data_type) == value  # type: ignore[arg-type]


def test_strings() -> None:
    """Strings take two characters per register; NULs and spaces are trimmed."""
    words = encode("SN12345", DataType.STRING, count=7)
    assert len(words) == 7
    assert words[0] == (ord("S") << 8 | ord("N"))
    assert decode(words, DataType.STRING) == "SN12345"
    swapped = encode("AB", DataType.STRING, byte_order=ByteOrder.LITTLE)
    assert swapped == [ord("B") << 8 | ord("A")]
    assert decode(swapped, DataType.STRING, byte_order=ByteOrder.LITTLE) == "AB"
    assert register_count(DataType.STRING) is None
    with pytest.raises(ValueError, match="does not fit"):
        encode("too long", DataType.STRING, count=2)


def test_bad_values() -> None:
    """Values that do not fit, or register counts that do not, are refused."""
    with pytest.raises(ValueError, match="does not fit"):
        encode(70000, DataType.UINT16)
    with pytest.raises(ValueError, match="does not fit"):
        encode(-1, DataType.UINT32)
    with pytest.raises(ValueError, match="integers"):
        encode(1.5, DataType.INT16)
    with pytest.raises(ValueError, match="takes 2 registers"):
        decode([1], DataType.FLOAT32)


@pytest.mark.parametrize(
    ("raw", "data_type", "scale", "offset", "exponent", "expected"),
    [
        (2301, DataType.UINT16, 0.1, 0.0, 0, 230.1),
        (-12345, DataType.INT32, 0.1, 0.0, 0, -1234.5),
        (1234, DataType.INT16, 1.0, 0.0, -2, 12.34),
        (9500, DataType.INT16, 0.01, 0.0, -2, 0.95),
        (12345678, DataType.UINT32, 0.001, 0.0, 0, 12345.678),
        (100, DataType.INT16, 1.0, -40.0, 0, 60.0),
        (15073280, DataType.INT32, 1.52587890625e-05, 0.0, 0, 230.0),
        (230.10000610351562, DataType.FLOAT32, 1.0, 0.0, 0, 230.1),
        (12345678.0, DataType.FLOAT32, 0.001, 0.0, 0, 12345.68),
        (230.1, DataType.FLOAT64, 1.0, 0.0, 0, 230.1),
    ],
)
def test_scaled(  # noqa: PLR0917 - one parameter per column
    raw: float,
    data_type: DataType,
    scale: float,
    offset: float,
    exponent: int,
    expected: float,
) -> None:
    """Scaling has no binary noise: what the meter means is what is shown."""
    assert scaled(raw, data_type, scale, offset, exponent) == expected
