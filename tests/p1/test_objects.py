"""The meter's other objects end to end: entities, events, real telegrams.

Reactive and apparent power and energy, limits, breaker and valve states and
text messages are entities (off by default); a new text message and a new
long power failure are events. Real telegrams that are not among the samples
(dsmr_parser's own test telegrams) are read right over TCP, and a corrupted
one is rejected.
"""

from collections.abc import Iterator
from decimal import Decimal
from unittest.mock import PropertyMock, patch

from dsmr_parser import telegram_specifications as specs
from dsmr_parser.parsers import TelegramParser
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from tests.common import FIXTURES, state_for, states_by_key, until
from tests.p1.helpers import (
    Link,
    ServeBytes,
    TelegramFactory,
    load_sample,
    p1_entry,
    signed,
)


@pytest.fixture(autouse=True)
def enabled_by_default() -> Iterator[None]:
    """Enable every entity, also those off by default (as HA core's tests do)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


async def set_up(hass: HomeAssistant, port: int) -> None:
    """Add and set up a network P1 entry on a loopback port."""
    entry = p1_entry(port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def with_lines(payload: bytes, *lines: str) -> bytes:
    """Add object lines before the end of a telegram; write a fresh CRC."""
    text = payload.decode()
    body = text[: text.index("!")] + "".join(f"{line}\r\n" for line in lines) + "!"
    return signed(body)


async def test_hungarian_meter_objects(
    hass: HomeAssistant, serve_bytes: ServeBytes
) -> None:
    """Reactive energy per quadrant, reactive power, limits and the breaker."""
    payload, expected = load_sample("hu_eon_sagemcom_sag5")
    await set_up(hass, await serve_bytes(payload))
    objects = expected["fields"]["p1_objects"]["values"]
    for key, wanted in objects.items():
        assert state_for(hass, key).state == str(wanted), key
    q3 = state_for(hass, "reactive_power_q3")
    assert (q3.state, q3.attributes["unit_of_measurement"]) == ("504.0", "var")
    assert q3.attributes["device_class"] == "reactive_power"
    q4 = state_for(hass, "grid_reactive_q4")
    assert q4.attributes["unit_of_measurement"] == "kvarh"
    assert q4.attributes["state_class"] == "total_increasing"
    assert (
        state_for(hass, "active_power_threshold").attributes["unit_of_measurement"]
        == "W"
    )
    breaker = state_for(hass, "breaker_state")
    assert breaker.state == "connected"
    assert breaker.attributes["options"] == [
        "disconnected",
        "connected",
        "ready_for_reconnection",
    ]


async def test_luxembourg_valves_and_apparent_power(
    hass: HomeAssistant, serve_bytes: ServeBytes
) -> None:
    """Apparent power and its limit; each MBus device's valve and breaker."""
    payload, _ = load_sample("lu_smarty_spec_example_4mbus_badcrc")
    text = payload.decode()
    await set_up(
        hass, await serve_bytes(with_lines(text[: text.index("!") + 1].encode()))
    )
    assert state_for(hass, "apparent_power_import").state == "21.0"
    assert state_for(hass, "apparent_power_threshold").state == "69000.0"
    registry = er.async_get(hass)
    valves = {
        entry.unique_id: hass.states.get(entry.entity_id).state  # type: ignore[union-attr]
        for entry in registry.entities.values()
        if entry.unique_id.endswith(("_valve_state", "_breaker_state"))
    }
    assert sorted(valves.values()).count("disconnected") == 2
    assert sorted(valves.values()).count("connected") == 2


async def test_text_message_and_power_failure_events(
    hass: HomeAssistant, link: tuple[Link, TelegramFactory]
) -> None:
    """A new message and a new failure are events; what was there is not."""
    dongle, factory = link
    old_failure = "1-0:99.97.0(1)(0-0:96.7.19)(261101120000W)(0000000300*s)"
    await set_up(hass, dongle.port)
    await dongle.send(with_lines(factory.telegram(), old_failure, "0-0:96.13.0()"))
    await until(hass, lambda: bool(states_by_key(hass, "text_message_received")))
    await dongle.send(with_lines(factory.telegram(), old_failure, "0-0:96.13.0()"))
    await until(hass, lambda: state_for(hass, "power_failure").state != "unavailable")
    assert state_for(hass, "power_failure").state == STATE_UNKNOWN
    assert state_for(hass, "text_message_received").state == STATE_UNKNOWN

    new_failure = (
        "1-0:99.97.0(2)(0-0:96.7.19)(261120135000W)(0000000042*s)"
        "(261101120000W)(0000000300*s)"
    )
    message = b"Onderhoud 21/11 08:00".hex().upper()
    await dongle.send(
        with_lines(factory.telegram(), new_failure, f"0-0:96.13.0({message})")
    )
    await until(hass, lambda: state_for(hass, "power_failure").state != STATE_UNKNOWN)
    failure = state_for(hass, "power_failure")
    assert failure.attributes["event_type"] == "power_failure"
    assert failure.attributes["end"] == "2026-11-20T13:50:00+01:00"
    assert failure.attributes["duration"] == 42
    event = state_for(hass, "text_message_received")
    assert event.attributes["event_type"] == "message"
    assert event.attributes["message"] == "Onderhoud 21/11 08:00"
    assert state_for(hass, "text_message").state == "Onderhoud 21/11 08:00"


# dsmr_parser's own example telegrams (MIT, see fixtures/SOURCES.md): real
# meters that are not among the samples.
_REAL = {
    "telegram_v4_2": (specs.V4, "ELECTRICITY_USED_TARIFF_1", "grid_elec_import_t1"),
    "telegram_v5": (specs.V5, "ELECTRICITY_USED_TARIFF_1", "grid_elec_import_t1"),
    "telegram_fluvius_v171": (
        specs.BELGIUM_FLUVIUS,
        "ELECTRICITY_USED_TARIFF_1",
        "grid_elec_import_t1",
    ),
    "telegram_v5_eon_hu": (
        specs.EON_HUNGARY,
        "ELECTRICITY_IMPORTED_TOTAL",
        "grid_elec_import",
    ),
    "telegram_iskra_ie": (
        specs.ISKRA_IE,
        "ELECTRICITY_USED_TARIFF_1",
        "grid_elec_import_t1",
    ),
    "telegram_esy5q3db1024_v304": (
        specs.Q3D,
        "ELECTRICITY_IMPORTED_TOTAL",
        "grid_elec_import",
    ),
}


def _crlf(text: str) -> str:
    """Return the telegram with CRLF line ends, as a meter sends it."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


@pytest.mark.parametrize("name", sorted(_REAL))
async def test_real_telegrams_over_tcp(
    hass: HomeAssistant, serve_bytes: ServeBytes, name: str
) -> None:
    """Each is read over TCP to what dsmr_parser reads; a corrupt copy is not."""
    spec, field, key = _REAL[name]
    text = _crlf((FIXTURES / "dsmr_parser" / f"{name}.txt").read_text("latin1"))
    text = text[text.index("/") :]
    reference = getattr(
        TelegramParser(spec, apply_checksum_validation=False).parse(text), field
    )
    wanted = reference.value * (Decimal("0.001") if reference.unit == "Wh" else 1)
    await set_up(hass, await serve_bytes(text.encode("latin1")))
    assert float(state_for(hass, key).state) == pytest.approx(float(wanted))

    # The same telegram with one digit changed: its CRC no longer matches.
    if "!" in text and text[text.index("!") + 1 : text.index("!") + 2].strip():
        corrupt = text.replace(str(reference.value)[-1] + "*", "9*", 1)
        entry = p1_entry(await serve_bytes(corrupt.encode("latin1")))
        entry.add_to_hass(hass)
        assert not await hass.config_entries.async_setup(entry.entry_id)
