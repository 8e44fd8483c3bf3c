"""The objects beyond energy and power, and the cases dsmr_parser fails on.

dsmr_parser reads every object; each test below that names a case is one where
dsmr_parser alone fails on a real telegram and the thin wrapper in
``lib/p1/dsmr.py`` / ``lib/p1/telegram.py`` handles it.
"""

from decimal import InvalidOperation
import logging

from dsmr_parser import telegram_specifications as specs
from dsmr_parser.parsers import TelegramParser
import pytest

from custom_components.energy_monitor.lib.p1.model import MbusKind, PowerFailure
from custom_components.energy_monitor.lib.p1.stream import P1StreamDecoder
from custom_components.energy_monitor.lib.p1.telegram import (
    decode_text,
    parse_telegram,
    parse_timestamp,
    switch_state,
)
from custom_components.energy_monitor.lib.vocabulary import Key
from tests.common import FIXTURES
from tests.p1.helpers import DSMR_FIXTURES, load_sample

SAMPLES_WITH_OBJECTS = sorted(
    path.stem
    for path in DSMR_FIXTURES.glob("*.json")
    if "p1_objects" in path.read_text()
)


def body(name: str) -> str:
    """Return a sample's telegram from '/' to '!' (CRC left out)."""
    payload, _ = load_sample(name)
    text = payload.decode()
    return text[: text.index("!") + 1]


@pytest.mark.parametrize("name", SAMPLES_WITH_OBJECTS)
def test_samples_give_their_other_objects(name: str) -> None:
    """Each sample's reactive, apparent, threshold and state objects, as read."""
    _, expected = load_sample(name)
    objects = expected["fields"]["p1_objects"]
    telegram = parse_telegram(body(name))
    for key, value in objects["values"].items():
        assert telegram.values[key] == value, key
    states = {
        reading.channel: (reading.valve, reading.breaker) for reading in telegram.mbus
    }
    for channel, (valve, breaker) in objects.get("mbus_states", {}).items():
        assert states[int(channel)] == (valve, breaker), channel
    assert [
        {"end": f.end.isoformat() if f.end else None, "duration_s": f.duration_s}
        for f in telegram.power_failures
    ] == objects.get("power_failures", [])


def test_power_failure_log_of_dsmr_parser_example() -> None:
    """The DSMR 4.2 example's log: three failures, end time and duration."""
    text = (FIXTURES / "dsmr_parser" / "telegram_v4_2.txt").read_text()
    telegram = parse_telegram(text[text.index("/") :])
    assert telegram.power_failures == (
        PowerFailure(parse_timestamp("000104180320W"), 237126),
        PowerFailure(parse_timestamp("000101000001W"), 2147583646),
        PowerFailure(parse_timestamp("000102000003W"), 2317482647),
    )


def test_hex_text_message_is_decoded() -> None:
    """A text message sent as hex-encoded ASCII reads as text."""
    text = (FIXTURES / "dsmr_parser" / "telegram_v3.txt").read_text()
    telegram = parse_telegram(text[text.index("/") :])
    assert telegram.values[Key.TEXT_MESSAGE] == "0123456789:;<=>?" * 5
    assert decode_text("") == ""
    assert decode_text("not hex") == "not hex"
    assert decode_text("0A0B") == "0A0B"  # not printable: kept as sent


def test_switch_states() -> None:
    """0, 1 and 2 are the states of a breaker or valve; others are refused."""
    assert [switch_state(n) for n in ("0", "1", "2")] == [
        "disconnected",
        "connected",
        "ready_for_reconnection",
    ]
    with pytest.raises(ValueError, match="3"):
        switch_state("3")


# The cases dsmr_parser fails on.

_METER = "/ISk5\\2MT382-1000\r\n\r\n1-3:0.2.8(50)\r\n0-0:1.0.0(231015120000S)\r\n"


def test_case_malformed_value_aborts_dsmr_parser(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Case: one value without '*' (00.000kWh) makes dsmr_parser raise.

    dsmr_parser loses the whole telegram; the wrapper skips that object,
    counts it and reads the rest, and logs nothing.
    """
    text = _METER + "1-0:1.8.1(000010.000*kWh)\r\n1-0:1.8.2(00.000kWh)\r\n!"
    with pytest.raises(InvalidOperation):
        TelegramParser(specs.V5, apply_checksum_validation=False).parse(text)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="dsmr_parser"):
        telegram = parse_telegram(text)
    assert telegram.values[Key.GRID_ELEC_IMPORT_T1] == 10.0
    assert Key.GRID_ELEC_IMPORT_T2 not in telegram.values
    assert telegram.skipped_lines == 1
    assert not caplog.records


def test_case_text_message_with_slash_and_spaces(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Case: a text message with '/' or spaces is logged as an error and lost.

    dsmr_parser's value pattern has no '/' or space; the wrapper reads the
    message as sent (and the framer does not take its '/' for a header).
    """
    text = _METER + "1-0:1.8.1(000010.000*kWh)\r\n0-0:96.13.0(Call 0800/123 45)\r\n!"
    with caplog.at_level(logging.ERROR, logger="dsmr_parser"):
        reference = TelegramParser(specs.V5, apply_checksum_validation=False).parse(
            text
        )
    assert not hasattr(reference, "TEXT_MESSAGE")
    assert caplog.records
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="dsmr_parser"):
        telegram = parse_telegram(text)
    assert telegram.values[Key.TEXT_MESSAGE] == "Call 0800/123 45"
    assert telegram.skipped_lines == 0
    assert not caplog.records
    crc = TelegramParser.crc16(text)
    decoder = P1StreamDecoder()
    (item,) = decoder.feed(f"{text}{crc:04X}\r\n".encode())
    assert item.values[Key.TEXT_MESSAGE] == "Call 0800/123 45"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "history",
    ["0-0:98.1.0(0)", "0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)"],
)
def test_case_empty_peak_history(history: str) -> None:
    """Case: a Belgian meter in its first month sends an empty peak history.

    The wrapper reads it as no history; the rest of the telegram counts.
    """
    telegram = parse_telegram(
        "/FLU5\\253769484_A\r\n\r\n0-0:96.1.4(50217)\r\n"
        "1-0:1.8.1(000010.000*kWh)\r\n1-0:1.4.0(00.052*kW)\r\n"
        f"1-0:1.6.0(200509134558S)(02.589*kW)\r\n{history}\r\n!"
    )
    assert telegram.peak_history == ()
    assert telegram.values[Key.DEMAND_MONTH_PEAK] == 2.589
    assert telegram.skipped_lines == 0


def test_case_peak_history_count_mismatch_is_skipped() -> None:
    """Case: a history whose count disagrees with its entries (IndexError).

    dsmr_parser raises out of the telegram; the wrapper skips the object.
    """
    text = (
        "/FLU5\\253769484_A\r\n\r\n0-0:96.1.4(50217)\r\n"
        "1-0:1.8.1(000010.000*kWh)\r\n"
        "0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(200501000000S)(200423192538S)"
        "(03.695*kW)\r\n!"
    )
    with pytest.raises(IndexError):
        TelegramParser(specs.BELGIUM_FLUVIUS, apply_checksum_validation=False).parse(
            text
        )
    telegram = parse_telegram(text)
    assert telegram.peak_history == ()
    assert telegram.skipped_lines == 1
    assert telegram.values[Key.GRID_ELEC_IMPORT_T1] == 10.0


def test_case_unused_mbus_channels() -> None:
    """Case: unused MBus channels (empty ID, placeholder reading) are no meters."""
    telegram = parse_telegram(
        "/Lux5\\253833635_A\r\n\r\n1-3:0.2.8(42)\r\n"
        "1-0:1.8.0(000025.653*kWh)\r\n0-1:24.1.0(003)\r\n"
        "0-1:96.1.0(464C4F313839393030303630333535)\r\n"
        "0-1:24.2.1(200706103140S)(00000.006*m3)\r\n0-1:24.4.0(1)\r\n"
        "0-2:24.1.0(007)\r\n0-2:96.1.0()\r\n"
        "0-2:24.2.1(632525252525S)(00000.000)\r\n0-2:24.4.0(1)\r\n!"
    )
    (gas,) = telegram.mbus
    assert (gas.channel, gas.kind, gas.valve) == (1, MbusKind.GAS, "connected")


def test_case_lf_line_ends() -> None:
    """Case: a gateway sends LF only; dsmr_parser's patterns need CRLF."""
    text = _METER.replace("\r\n", "\n") + "1-0:1.8.1(000010.000*kWh)\n!"
    assert not TelegramParser(specs.V5, apply_checksum_validation=False).parse(text)
    assert parse_telegram(text).values[Key.GRID_ELEC_IMPORT_T1] == 10.0


def test_case_power_failure_log_parser_grows() -> None:
    """Case: dsmr_parser's failure-log parser grows with every telegram read.

    Its list of value parsers gains two entries per failure per telegram (a
    leak at one telegram a second); the wrapper reads each with a fresh one.
    """
    text = (FIXTURES / "dsmr_parser" / "telegram_v4_2.txt").read_text()
    text = text[text.index("/") :].replace("\n", "\r\n")
    parser = TelegramParser(specs.V4, apply_checksum_validation=False)
    (log,) = (o for o in specs.V4["objects"] if o["value_name"].endswith("LOG"))
    before = len(log["value_parser"].value_formats)
    parser.parse(text)
    parser.parse(text)
    assert len(log["value_parser"].value_formats) == before + 12
    first = parse_telegram(text).power_failures
    for _ in range(3):
        assert parse_telegram(text).power_failures == first


def test_unreadable_objects_are_skipped_or_left_out() -> None:
    """A bad failure log is skipped; a bad MBus reading or valve is left out."""
    telegram = parse_telegram(
        _METER + "1-0:1.8.1(000010.000*kWh)\r\n"
        "1-0:99.97.0(1)(0-0:96.7.19)(261120135000W)(abc*s)\r\n"
        "0-0:17.0.0(16*furlong)\r\n"
        "0-1:24.1.0(003)\r\n0-1:96.1.0(4730303339303031)\r\n"
        "0-1:24.2.1(261120135000W)(1x2.5*m3)\r\n0-1:24.4.0(7)\r\n!"
    )
    assert telegram.skipped_lines == 2
    assert telegram.power_failures == ()
    (gas,) = telegram.mbus
    assert (gas.equipment_id, gas.value, gas.valve) == ("G0039001", None, None)


@pytest.mark.parametrize(
    ("registers", "variant"),
    [
        ("1-0:1.8.0(000010.000*kWh)\r\n0-0:42.0.0(4C555831)\r\n", "5L"),
        ("1-0:1.8.0(000010.000*kWh)\r\n", "5S"),
    ],
)
def test_meters_with_totals_only(registers: str, variant: str) -> None:
    """A meter with totals and no tariffs: Luxembourg (with 42.0.0) or Sweden."""
    telegram = parse_telegram(f"/AUX5\\2METER\r\n\r\n{registers}!")
    assert telegram.variant == variant
    assert telegram.values[Key.GRID_ELEC_IMPORT] == 10.0
