"""Cut a P1 byte stream into telegrams and check their CRC (dsmr_parser's CRC16).

A telegram runs from ``/`` to ``!``, followed by an optional CRC of one to
four hex digits and a line end. Readers that start mid-telegram see a
fragment first; a cable pulled mid-telegram leaves a truncated one. Both are
reported as rejections, so they can be counted, and never reach the parser.

The framer also strips bit 7 of every byte: a 7E1 line (DSMR 4) read as 8N1
then gives the same text as an 8N1 line, so one serial setting serves both.
"""

from dataclasses import dataclass
import re

from dsmr_parser.parsers import TelegramParser

from .model import RejectReason

_HEADER = re.compile(rb"/[A-Za-z]{3}")
"""A telegram header: ``/`` and the three-letter manufacturer code.

A bare ``/`` is not enough: text messages (``0-0:96.13.0``) may contain one.
"""
_STRIP_PARITY = bytes(b & 0x7F for b in range(256))
_HEX_DIGITS = frozenset(b"0123456789ABCDEFabcdef")
_MAX_CRC_DIGITS = 4
MAX_TELEGRAM_SIZE = 16384
"""Longest telegram accepted; real ones are 0.3 to 3 kB."""


@dataclass(frozen=True, slots=True)
class Frame:
    """A complete telegram, from ``/`` to ``!`` inclusive."""

    text: str
    has_crc: bool


@dataclass(frozen=True, slots=True)
class Rejection:
    """A piece of the stream that is not a valid telegram."""

    reason: RejectReason
    detail: str


class TelegramFramer:
    """Incrementally cut a byte stream into :class:`Frame` objects."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = bytearray()

    @property
    def awaiting_checksum(self) -> bool:
        """Tell whether a telegram ended in ``!`` but its CRC line is open.

        The reader flushes such a telegram after a short quiet time: some
        CRC-less meters (DSMR 2.2) end the stream right after the ``!``.
        """
        buffer = self._buffer
        return buffer[:1] == b"/" and buffer.find(b"!") > 0

    def feed(self, data: bytes) -> list[Frame | Rejection]:
        """Add bytes from the line; return the telegrams they complete."""
        self._buffer += data.translate(_STRIP_PARITY)
        results: list[Frame | Rejection] = []
        while (item := self._next()) is not None:
            results.append(item)
        return results

    def flush(self) -> list[Frame | Rejection]:
        """Complete a telegram whose CRC line never ended (end of stream)."""
        buffer = self._buffer
        if not self.awaiting_checksum:
            return []
        end = buffer.find(b"!")
        tail = bytes(buffer[end + 1 :])
        frame = bytes(buffer[: end + 1])
        buffer.clear()
        return [_check(frame, tail)]

    def _next(self) -> Frame | Rejection | None:  # noqa: PLR0911
        """Take the next complete item off the buffer, if there is one."""
        buffer = self._buffer
        start = _find_header(buffer, 0)
        if start < 0:
            end = buffer.rfind(b"!")
            if end >= 0 and buffer.find(b"\n", end) >= 0:
                # The tail of a telegram whose start we never saw.
                del buffer[:]
                return Rejection(RejectReason.FRAGMENT, "telegram without header")
            if len(buffer) > MAX_TELEGRAM_SIZE:
                del buffer[:]
            return None
        if start > 0:
            junk = buffer.find(b"!", 0, start) >= 0
            del buffer[:start]
            if junk:
                return Rejection(RejectReason.FRAGMENT, "telegram without header")
        end = buffer.find(b"!")
        restart = _find_header(buffer, 1)
        if restart > 0 and (end < 0 or restart < end):
            del buffer[:restart]
            return Rejection(RejectReason.TRUNCATED, "telegram cut off before '!'")
        if end < 0:
            if len(buffer) > MAX_TELEGRAM_SIZE:
                del buffer[:]
                return Rejection(RejectReason.TOO_LONG, "no '!' after 16 kB")
            return None
        line_end = buffer.find(b"\n", end)
        if restart > end and (line_end < 0 or restart < line_end):
            line_end = restart - 1  # the next telegram follows '!' directly
        elif line_end < 0:
            if len(buffer) > MAX_TELEGRAM_SIZE:
                del buffer[:]
                return Rejection(RejectReason.TOO_LONG, "no CRC line end after 16 kB")
            return None
        frame = bytes(buffer[: end + 1])
        tail = bytes(buffer[end + 1 : line_end + 1])
        del buffer[: line_end + 1]
        return _check(frame, tail)


def _find_header(buffer: bytearray, position: int) -> int:
    """Return where the next telegram header starts, or -1."""
    match = _HEADER.search(buffer, position)
    return match.start() if match else -1


def _check(frame: bytes, tail: bytes) -> Frame | Rejection:
    """Validate the CRC that follows the ``!`` of ``frame``, if there is one."""
    checksum = tail.strip(b"\r\n\x00 ")
    if not checksum:
        return Frame(frame.decode("ascii"), has_crc=False)
    if len(checksum) > _MAX_CRC_DIGITS or not _HEX_DIGITS.issuperset(checksum):
        return Rejection(RejectReason.MALFORMED, "unreadable CRC line")
    expected = int(checksum, 16)
    text = frame.decode("ascii")
    actual = TelegramParser.crc16(text)
    if expected != actual and "\r\n" not in text:
        # A gateway that turns CRLF into LF: the meter computed the CRC over
        # CRLF line ends, so check that text.
        actual = TelegramParser.crc16(text.replace("\n", "\r\n"))
    if expected != actual:
        return Rejection(
            RejectReason.CRC_MISMATCH,
            f"CRC {checksum.decode()} does not match the telegram ({actual:04X})",
        )
    return Frame(text, has_crc=True)
