"""Cutting a P1 byte stream into telegrams: fragments, truncation, CRC."""

from dsmr_parser.parsers import TelegramParser

from custom_components.energy_monitor.lib.p1.decrypt import (
    MAX_FRAME_SIZE,
    EncryptedFramer,
)
from custom_components.energy_monitor.lib.p1.framing import (
    MAX_TELEGRAM_SIZE,
    Frame,
    Rejection,
    TelegramFramer,
)
from tests.p1.helpers import load_sample

V5, _ = load_sample("nl_dsmr50_iskra_mt382_3phase")


def kinds(items: list[Frame | Rejection]) -> list[str]:
    """Summarise framer output as 'telegram' or the rejection reason."""
    return ["telegram" if isinstance(i, Frame) else i.reason for i in items]


def test_crc_of_a_known_telegram() -> None:
    """CRC16/ARC over '/' to '!' matches the meter's."""
    end = V5.index(b"!") + 1
    assert TelegramParser.crc16(V5[:end].decode()) == int(V5[end : end + 4], 16)


def test_telegram_split_in_one_byte_chunks() -> None:
    """A telegram arriving byte by byte comes out once, complete."""
    framer = TelegramFramer()
    items = [item for byte in V5 for item in framer.feed(bytes([byte]))]
    assert kinds(items) == ["telegram"]
    assert items[0].text == V5[: V5.index(b"!") + 1].decode()  # type: ignore[union-attr]


def test_several_telegrams_in_one_chunk() -> None:
    """Back-to-back telegrams are all found, in order."""
    assert kinds(TelegramFramer().feed(V5 * 3)) == ["telegram"] * 3


def test_seven_bit_even_parity_read_as_eight_bits() -> None:
    """7E1 bytes read as 8N1 carry the parity bit in bit 7; it is stripped."""

    def with_parity(byte: int) -> int:
        return byte | (0x80 if byte.bit_count() % 2 else 0)

    line = bytes(with_parity(byte) for byte in V5)
    assert kinds(TelegramFramer().feed(line)) == ["telegram"]


def test_fragment_then_telegram() -> None:
    """A reader that starts mid-telegram drops the tail and counts it."""
    items = TelegramFramer().feed(V5[400:] + V5)
    assert kinds(items) == ["fragment", "telegram"]


def test_fragment_without_any_header_yet() -> None:
    """A tail with no following telegram is reported once it is complete."""
    framer = TelegramFramer()
    assert kinds(framer.feed(V5[400:])) == ["fragment"]
    assert kinds(framer.feed(V5)) == ["telegram"]


def test_truncated_telegram() -> None:
    """A telegram cut off before '!' is rejected when the next one starts."""
    items = TelegramFramer().feed(V5[:300] + V5)
    assert kinds(items) == ["truncated", "telegram"]


def test_bad_crc() -> None:
    """A changed digit fails the CRC."""
    spoiled = V5.replace(b"1-0:1.8.1(000004.426", b"1-0:1.8.1(000009.426")
    (rejection,) = TelegramFramer().feed(spoiled)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "crc_mismatch"
    assert "6EEE" in rejection.detail


def test_unreadable_crc_line() -> None:
    """A CRC line that is not 1-4 hex digits is malformed."""
    spoiled = V5.replace(b"!6EEE", b"!6EXX")
    assert kinds(TelegramFramer().feed(spoiled)) == ["malformed"]


def test_telegram_without_crc_waits_for_the_line_end_or_a_flush() -> None:
    """DSMR 2.2 telegrams end in '!' with no CRC; a flush completes them."""
    payload, _ = load_sample("nl_dsmr22_kamstrup_kmp5")
    framer = TelegramFramer()
    assert payload.endswith(b"!")
    assert framer.feed(payload) == []
    assert framer.awaiting_checksum
    (frame,) = framer.flush()
    assert isinstance(frame, Frame)
    assert not frame.has_crc
    assert framer.flush() == []


def test_telegram_without_crc_followed_by_the_next() -> None:
    """'!' directly followed by the next '/' ends the telegram."""
    payload, _ = load_sample("nl_dsmr22_kamstrup_kmp5")
    items = TelegramFramer().feed(payload + payload + b"\r\n")
    assert kinds(items) == ["telegram", "telegram"]


def test_endless_data_without_end_is_dropped() -> None:
    """A header followed by 16 kB without '!' is rejected; junk is discarded."""
    framer = TelegramFramer()
    items = framer.feed(b"/" + b"A" * (MAX_TELEGRAM_SIZE + 10))
    assert kinds(items) == ["too_long"]
    assert framer.feed(b"B" * (MAX_TELEGRAM_SIZE + 10)) == []
    assert kinds(framer.feed(V5)) == ["telegram"]


def test_line_ends_changed_to_lf_still_pass_the_crc() -> None:
    """A gateway that strips CR: the CRC is checked over the original CRLF."""
    stripped = V5.replace(b"\r\n", b"\n")
    (frame,) = TelegramFramer().feed(stripped)
    assert isinstance(frame, Frame)
    assert frame.has_crc
    spoiled = stripped.replace(b"000004.426", b"000009.426")
    assert kinds(TelegramFramer().feed(spoiled)) == ["crc_mismatch"]


def with_text_message(telegram: bytes, message: bytes) -> bytes:
    """Return ``telegram`` carrying a plain-text message, with a fresh CRC."""
    body = telegram[: telegram.index(b"!") + 1]
    body = body.replace(b"0-0:96.13.0()", b"0-0:96.13.0(" + message + b")")
    return body + f"{TelegramParser.crc16(body.decode()):04X}\r\n".encode()


def test_slash_inside_a_text_message_is_not_a_new_telegram() -> None:
    """Some meters send text messages as plain text; a '/' in one is content."""
    telegram = with_text_message(V5, b"test-/-test and/or 1/2")
    items = TelegramFramer().feed(telegram + telegram)
    assert kinds(items) == ["telegram", "telegram"]


def test_truncated_telegram_before_one_with_a_slash_in_its_text() -> None:
    """A cut-off telegram is still found when the next one carries a '/'."""
    telegram = with_text_message(V5, b"a/b")
    items = TelegramFramer().feed(telegram[:300] + telegram)
    assert kinds(items) == ["truncated", "telegram"]


def test_endless_line_after_the_crc_marker_is_dropped() -> None:
    """A line after '!' that never ends is held up to 16 kB, then rejected."""
    framer = TelegramFramer()
    end = V5.index(b"!") + 1
    items = framer.feed(V5[:end])
    for _ in range(256):  # 1 MB in the reader's 4 kB chunks
        items += framer.feed(b"7" * 4096)
        assert len(framer._buffer) <= MAX_TELEGRAM_SIZE
    assert kinds(items) == ["too_long"]
    assert kinds(framer.feed(V5)) == ["telegram"]


def test_encrypted_framer_holds_at_most_one_frame() -> None:
    """Noise that looks like a frame header with a huge length is dropped."""
    framer = EncryptedFramer()
    header = bytes([0xDB, 8]) + b"SAG\x00\x01\x02\x03\x04" + b"\x82\xff\xff"
    assert framer.feed(header) == []
    for _ in range(64):
        assert framer.feed(b"\x00" * 4096) == []
        assert len(framer._buffer._buffer) <= MAX_FRAME_SIZE
