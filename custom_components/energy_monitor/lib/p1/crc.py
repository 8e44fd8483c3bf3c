"""CRC16 of DSMR telegrams (CRC-16/ARC: polynomial 0xA001, reflected, init 0).

The checksum covers everything from the leading ``/`` up to and including the
``!``. A table-driven loop over bytes is about three times faster than
``dsmr_parser``'s string-based implementation.
"""


def _make_table() -> tuple[int, ...]:
    """Build the 256-entry lookup table."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc16(data: bytes) -> int:
    """Return the CRC16 of ``data``."""
    crc = 0
    table = _TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc
