"""Parsing real telegrams: every sample gives exactly its hand-read values."""

from datetime import datetime
from decimal import Decimal
import json
from zoneinfo import ZoneInfo

from dsmr_parser import telegram_specifications as specs
from dsmr_parser.parsers import TelegramParser
import pytest

from custom_components.energy_monitor.lib.p1.model import MbusKind, MeterVariant
from custom_components.energy_monitor.lib.p1.stream import P1StreamDecoder
from custom_components.energy_monitor.lib.p1.telegram import (
    TelegramError,
    decode_identifier,
    parse_telegram,
    parse_timestamp,
)
from custom_components.energy_monitor.lib.vocabulary import Key
from tests.common import FIXTURES
from tests.p1.helpers import DSMR_FIXTURES, expected_states, load_sample

SAMPLES = sorted(path.stem for path in DSMR_FIXTURES.glob("*.json"))
VALID = [
    name
    for name in SAMPLES
    if json.loads((DSMR_FIXTURES / f"{name}.json").read_text())["status"] == "valid"
]


def decode_one(payload: bytes) -> object:
    """Decode a payload that holds one telegram; return the telegram or rejection."""
    decoder = P1StreamDecoder()
    items = decoder.feed(payload) + decoder.flush()
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("name", VALID)
def test_valid_samples_give_their_hand_read_values(name: str) -> None:
    """Each valid sample is accepted with exactly the values read by hand."""
    payload, expected = load_sample(name)
    telegram = decode_one(payload)
    values = telegram.values  # type: ignore[attr-defined]
    for key, value in expected_states(expected["fields"]).items():
        assert values[key] == pytest.approx(value), key


@pytest.mark.parametrize("name", VALID)
def test_valid_samples_mbus_and_capacity(name: str) -> None:
    """Gas/water readings keep their capture time; Belgian peaks are complete."""
    payload, expected = load_sample(name)
    telegram = decode_one(payload)
    fields = expected["fields"]
    readings = {r.channel: r for r in telegram.mbus if r.value is not None}  # type: ignore[attr-defined]
    for device in [*fields.get("gas", []), *fields.get("other_mbus", [])]:
        reading = device.get("reading")
        if not reading or reading.get("value") is None:
            assert device["mbus_channel"] not in readings
            continue
        ours = readings[device["mbus_channel"]]
        assert ours.value == pytest.approx(reading["value"])
        assert ours.kind == MbusKind(device["kind"])
        assert ours.captured_at is not None
        assert (
            ours.captured_at.replace(tzinfo=None).isoformat()
            == reading["timestamp"]["local"]
        )
    capacity = fields.get("capacity_tariff")
    if capacity:
        peak = telegram.month_peak  # type: ignore[attr-defined]
        month = capacity["maximum_demand_month"]
        assert peak.demand_kw == month["value_kw"]
        assert (
            peak.peak_time.replace(tzinfo=None).isoformat()
            == month["timestamp"]["local"]
        )
        history = capacity["maximum_demand_history"]["entries"]
        ours_history = telegram.peak_history  # type: ignore[attr-defined]
        assert [p.demand_kw for p in ours_history] == [e["value_kw"] for e in history]
        assert [
            None
            if p.peak_time is None
            else p.peak_time.replace(tzinfo=None).isoformat()
            for p in ours_history
        ] == [e["peak_time"]["local"] for e in history]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("invalid_nl_dsmr50_fragment_without_header", "fragment"),
        ("lu_smarty_spec_example_4mbus_badcrc", "crc_mismatch"),
    ],
)
def test_invalid_samples_are_rejected(name: str, reason: str) -> None:
    """Invalid samples produce a rejection with the right reason, no telegram."""
    payload, _ = load_sample(name)
    rejection = decode_one(payload)
    assert rejection.reason == reason  # type: ignore[attr-defined]


def test_telegram_without_crc_line_is_rejected_as_truncated() -> None:
    """A DSMR 5 telegram without its '!CRC' line is dropped when the next starts."""
    payload, _ = load_sample("invalid_nl_dsmr50_missing_crc_line")
    valid, _ = load_sample("nl_dsmr50_iskra_mt382_3phase")
    decoder = P1StreamDecoder()
    assert decoder.feed(payload) == []
    assert decoder.flush() == []
    items = decoder.feed(valid)
    assert [getattr(item, "reason", "telegram") for item in items] == [
        "truncated",
        "telegram",
    ]


def test_luxembourg_sample_values_without_crc_check() -> None:
    """The LU spec example (CRC edited upstream) still parses to its values."""
    payload, expected = load_sample("lu_smarty_spec_example_4mbus_badcrc")
    text = payload.decode()
    telegram = parse_telegram(text[: text.index("!") + 1])
    assert telegram.variant is MeterVariant.LUXEMBOURG
    for key, value in expected_states(expected["fields"]).items():
        assert telegram.values[key] == pytest.approx(value), key
    assert {(r.channel, r.value) for r in telegram.mbus if r.value is not None} == {
        (1, 0.006),
        (4, 28.103),
    }


@pytest.mark.parametrize(
    ("name", "variant"),
    [
        ("be_fluvius_50217_peak_history4", MeterVariant.BELGIUM),
        ("de_easymeter_q3d_a1004_v304", MeterVariant.EASYMETER_Q3D),
        ("hu_eon_sagemcom_sag5", MeterVariant.HUNGARY),
        ("nl_dsmr22_kamstrup_kmp5", MeterVariant.DSMR_2_2),
        ("nl_dsmr42_kaifa_export_gas", MeterVariant.DSMR_4),
        ("nl_dsmr50_iskra_mt382_3phase", MeterVariant.DSMR_5),
    ],
)
def test_variant_is_detected_from_the_telegram(
    name: str, variant: MeterVariant
) -> None:
    """Nobody has to know '5' from '5B': the telegram tells."""
    payload, _ = load_sample(name)
    assert decode_one(payload).variant is variant  # type: ignore[attr-defined]


# dsmr_parser's own example telegrams (MIT, see fixtures/SOURCES.md), each
# parsed with the specification dsmr_parser needs to be told; our parser must
# agree with it on every value both read, without being told the version.
_DSMR_PARSER_EXAMPLES = {
    "telegram_v2_2": specs.V2_2,
    "telegram_v3": specs.V3,
    "telegram_v4_2": specs.V4,
    "telegram_v5": specs.V5,
    "telegram_v5_two_mbus": specs.V5,
    "telegram_fluvius_v171": specs.BELGIUM_FLUVIUS,
    "telegram_fluvius_v171_alt": specs.BELGIUM_FLUVIUS,
    "telegram_v5_eon_hu": specs.EON_HUNGARY,
    "telegram_sagemcom_t210_d_r": specs.SAGEMCOM_T210_D_R
    | {"general_global_cipher": False},
    "telegram_esy5q3da1004_v304": specs.Q3D,
    "telegram_esy5q3db1024_v304": specs.Q3D,
    "telegram_iskra_ie": specs.ISKRA_IE,
}
_ORACLE_FIELDS = {
    "ELECTRICITY_USED_TARIFF_1": (Key.GRID_ELEC_IMPORT_T1, 1),
    "ELECTRICITY_USED_TARIFF_2": (Key.GRID_ELEC_IMPORT_T2, 1),
    "ELECTRICITY_DELIVERED_TARIFF_1": (Key.GRID_ELEC_EXPORT_T1, 1),
    "ELECTRICITY_DELIVERED_TARIFF_2": (Key.GRID_ELEC_EXPORT_T2, 1),
    "ELECTRICITY_IMPORTED_TOTAL": (Key.GRID_ELEC_IMPORT, 1),
    "ELECTRICITY_EXPORTED_TOTAL": (Key.GRID_ELEC_EXPORT, 1),
    "CURRENT_ELECTRICITY_USAGE": (Key.GRID_POWER_IMPORT, 1000),
    "CURRENT_ELECTRICITY_DELIVERY": (Key.GRID_POWER_EXPORT, 1000),
    "INSTANTANEOUS_VOLTAGE_L1": (Key.VOLTAGE_L1, 1),
    "INSTANTANEOUS_VOLTAGE_L2": (Key.VOLTAGE_L2, 1),
    "INSTANTANEOUS_VOLTAGE_L3": (Key.VOLTAGE_L3, 1),
    "INSTANTANEOUS_CURRENT_L1": (Key.CURRENT_L1, 1),
    "INSTANTANEOUS_CURRENT_L2": (Key.CURRENT_L2, 1),
    "INSTANTANEOUS_CURRENT_L3": (Key.CURRENT_L3, 1),
    "INSTANTANEOUS_ACTIVE_POWER_L1_POSITIVE": (Key.POWER_IMPORT_L1, 1000),
    "INSTANTANEOUS_ACTIVE_POWER_L2_POSITIVE": (Key.POWER_IMPORT_L2, 1000),
    "INSTANTANEOUS_ACTIVE_POWER_L3_POSITIVE": (Key.POWER_IMPORT_L3, 1000),
    "INSTANTANEOUS_ACTIVE_POWER_L1_NEGATIVE": (Key.POWER_EXPORT_L1, 1000),
    "INSTANTANEOUS_ACTIVE_POWER_L2_NEGATIVE": (Key.POWER_EXPORT_L2, 1000),
    "INSTANTANEOUS_ACTIVE_POWER_L3_NEGATIVE": (Key.POWER_EXPORT_L3, 1000),
    "BELGIUM_CURRENT_AVERAGE_DEMAND": (Key.DEMAND_CURRENT_QUARTER, 1),
}
_UNIT_FACTORS = {"Wh": Decimal("0.001"), "W": Decimal("0.001")}


@pytest.mark.parametrize("name", sorted(_DSMR_PARSER_EXAMPLES))
def test_agrees_with_dsmr_parser(name: str) -> None:
    """Differential test against dsmr_parser on its own example telegrams."""
    text = (FIXTURES / "dsmr_parser" / f"{name}.txt").read_bytes().decode("latin1")
    oracle = TelegramParser(
        _DSMR_PARSER_EXAMPLES[name], apply_checksum_validation=False
    )
    reference = oracle.parse(text)
    ours = parse_telegram(text[text.index("/") :])
    compared = 0
    for field, (key, factor) in _ORACLE_FIELDS.items():
        obj = getattr(reference, field, None)
        if obj is None:
            continue
        value = obj.value * _UNIT_FACTORS.get(obj.unit, Decimal(1)) * factor
        assert ours.values[key] == pytest.approx(float(value)), field
        compared += 1
    assert compared >= 3


def test_heat_meter_in_gigajoule_and_unpadded_crc() -> None:
    """A Dutch heat-network meter: 3-digit CRC, heat reading in GJ."""
    payload = (FIXTURES / "dsmr_parser" / "telegram_unpadded_crc.txt").read_bytes()
    telegram = decode_one(payload)
    (reading,) = telegram.mbus  # type: ignore[attr-defined]
    assert reading.kind is MbusKind.HEAT
    assert (reading.value, reading.unit) == (240.86, "GJ")


def test_signed_power_without_export_register() -> None:
    """Meters without 2.7.0 sign their power: a negative value is export."""
    telegram = parse_telegram(
        "/ESY5Q3DA1004 V3.04\r\n\r\n1-0:1.8.0*255(00000010.5*kWh)\r\n"
        "1-0:1.7.0*255(-000500.00*W)\r\n1-0:21.7.0*255(-000100.00*W)\r\n!"
    )
    assert telegram.values[Key.GRID_POWER_IMPORT] == 0.0
    assert telegram.values[Key.GRID_POWER_EXPORT] == 500.0
    assert telegram.values[Key.GRID_POWER] == -500.0
    assert telegram.values[Key.POWER_EXPORT_L1] == 100.0


def test_units_in_lower_case_are_read() -> None:
    """Some meters write units in lower case ("kwh", "kw", "v", "m3")."""
    telegram = parse_telegram(
        "/ISk5\\2MT382-1000\r\n\r\n1-3:0.2.8(50)\r\n"
        "1-0:1.8.1(000010.000*kwh)\r\n1-0:1.7.0(01.193*kw)\r\n"
        "1-0:32.7.0(220.1*v)\r\n0-1:24.1.0(003)\r\n"
        "0-1:24.2.1(101209112500W)(12785.123*M3)\r\n!"
    )
    assert telegram.skipped_lines == 0
    assert telegram.values[Key.GRID_ELEC_IMPORT_T1] == 10.0
    assert telegram.values[Key.GRID_POWER_IMPORT] == 1193.0
    assert telegram.values[Key.VOLTAGE_L1] == 220.1
    (gas,) = telegram.mbus
    assert (gas.kind, gas.value, gas.unit) == (MbusKind.GAS, 12785.123, "m³")


def test_unused_mbus_channels_are_left_out() -> None:
    """A channel with no equipment ID and no valid reading is not a meter."""
    telegram = parse_telegram(
        "/Lux5\\253833635_A\r\n\r\n1-3:0.2.8(42)\r\n"
        "1-0:1.8.0(000025.653*kWh)\r\n0-1:24.1.0(003)\r\n"
        "0-1:96.1.0(464C4F313839393030303630333535)\r\n"
        "0-1:24.2.1(200706103140S)(00000.006*m3)\r\n"
        "0-2:24.1.0(007)\r\n0-2:96.1.0()\r\n"
        "0-2:24.2.1(632525252525S)(00000.000)\r\n!"
    )
    (gas,) = telegram.mbus
    assert (gas.channel, gas.kind, gas.value) == (1, MbusKind.GAS, 0.006)


def test_malformed_values_are_skipped_and_counted() -> None:
    """A value without '*' or in an unknown unit is skipped; the rest is read."""
    telegram = parse_telegram(
        "/XMX5LGBBFFB123456789\r\n\r\n1-3:0.2.8(50)\r\n"
        "1-0:1.8.1(000010.000*kWh)\r\n1-0:1.8.2(00.000kWh)\r\n"
        "1-0:2.8.1(000001.000*kvarh)\r\n1-0:1.7.0(00.500*kW)\r\n"
        "0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(230101000000W)\r\n!"
    )
    assert telegram.skipped_lines == 3
    assert telegram.values[Key.GRID_ELEC_IMPORT_T1] == 10.0
    assert Key.GRID_ELEC_IMPORT_T2 not in telegram.values
    assert telegram.values[Key.GRID_POWER_IMPORT] == 500.0


@pytest.mark.parametrize(
    "text", ["no slash", "/header only", "/HDR\r\nno objects\r\n!"]
)
def test_not_a_telegram(text: str) -> None:
    """Text without header or objects raises TelegramError."""
    with pytest.raises(TelegramError):
        parse_telegram(text)


def test_timestamps_are_dst_safe() -> None:
    """The S/W flag picks the offset of the repeated autumn hour."""
    summer = parse_timestamp("231029023000S")
    winter = parse_timestamp("231029023000W")
    assert summer is not None
    assert winter is not None
    assert (winter - summer).total_seconds() == 3600
    assert parse_timestamp("120517020000") == datetime(
        2012, 5, 17, 2, tzinfo=ZoneInfo("Europe/Amsterdam")
    )
    assert parse_timestamp("632525252525W") is None
    assert parse_timestamp("22031912RR00RD05SS43W") is None
    assert parse_timestamp("2203") is None
    assert parse_timestamp(None) is None


def test_identifiers_are_decoded_only_when_readable() -> None:
    """Hex-encoded ASCII IDs are decoded; anything else is kept as sent."""
    assert decode_identifier("4B384547303034303436333935353037") == "K8EG004046395507"
    assert decode_identifier("00000000000000") == "00000000000000"
    assert decode_identifier("FAKEELECID") == "FAKEELECID"
    assert decode_identifier("09610") == "09610"


_EMULATOR = FIXTURES / "energy_app"


@pytest.mark.parametrize(
    "name",
    sorted(
        path.stem
        for path in _EMULATOR.glob("*.txt")
        if "wrong_checksum" not in path.stem
    ),
)
def test_seed_emulator_telegrams_and_faults(name: str) -> None:
    """The seed's emulator output, faults included, never loses good values."""
    telegram = decode_one((_EMULATOR / f"{name}.txt").read_bytes())
    values = telegram.values  # type: ignore[attr-defined]
    assert values[Key.GRID_ELEC_IMPORT_T1] == 11380.861
    assert values[Key.GRID_ELEC_IMPORT_T2] == 6828.517
    assert values[Key.GRID_TARIFF] == "1"
    assert telegram.equipment_id == "FAKEELECID"  # type: ignore[attr-defined]
    if "wrong_data" in name:
        assert telegram.skipped_lines == 1  # type: ignore[attr-defined]
    if "wrong_timestamp" in name:
        assert telegram.timestamp is None  # type: ignore[attr-defined]
    if "no_gas" not in name:
        gas = telegram.mbus[0]  # type: ignore[attr-defined]
        assert (gas.kind, gas.value) == (MbusKind.GAS, 3414.259)


def test_seed_emulator_wrong_checksum() -> None:
    """The seed's corrupted checksum is rejected."""
    payload = (_EMULATOR / "telegram_fault_wrong_checksum.txt").read_bytes()
    assert decode_one(payload).reason == "crc_mismatch"  # type: ignore[attr-defined]
