"""Flukso configuration and reading payloads, and counter continuity."""

import json

import pytest

from custom_components.energy_monitor.lib.flukso.config import (
    ConfigError,
    parse_names,
    parse_sensors,
)
from custom_components.energy_monitor.lib.flukso.continuity import CounterContinuity
from custom_components.energy_monitor.lib.flukso.decoder import FluksoDecoder
from custom_components.energy_monitor.lib.flukso.model import (
    FluksoSensor,
    Malformed,
    Reading,
    ReadingKind,
)
from custom_components.energy_monitor.lib.flukso.payload import (
    MalformedError,
    parse_reading,
    parse_topic,
)

SENSOR = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "payload", [b"x" * 70_000, b"not json", b"[1, 2]", "\xff".encode("latin-1")]
)
def test_bad_config(payload: bytes) -> None:
    """Too large, not JSON, not an object: a configuration error."""
    with pytest.raises(ConfigError):
        parse_sensors("flm", payload)


def test_config_entries_that_are_not_sensors() -> None:
    """Settings, disabled and unknown-type sensors and reactive power are left out."""
    payload = json.dumps(
        {
            "1": {"id": SENSOR.upper(), "type": "electricity", "function": " Main "},
            "2": {"id": "a" * 32, "type": "temperature"},
            "3": {"id": "b" * 32, "type": "electricity", "enable": 0},
            "4": {"id": "c" * 32, "type": "electricity", "subtype": "q1"},
            "5": {"id": "", "type": "water"},
            "6": "text",
            "daemon": {"id": "d" * 32, "type": "gas"},
            "7": {"id": "e" * 32, "type": "gas", "port": ["x"]},
        }
    ).encode()
    sensors = parse_sensors("flm", payload)
    assert [(s.sensor_id, s.name, s.port) for s in sensors] == [
        (SENSOR, "Main", None),
        ("e" * 32, "gas 7", None),
    ]
    assert parse_names(b'{"1": {"name": "", "class": "ct"}, "main": {}}') == {
        1: parse_names(b'{"1": {"class": "ct"}}')[1]
    }


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"[1, 2, 3, 4]", Malformed.WRONG_SHAPE),
        (b'[1, true, "W"]', Malformed.NOT_A_NUMBER),
        (b'[1, NaN, "W"]', Malformed.NOT_A_NUMBER),
        (b'[1, 2, "furlongs"]', Malformed.UNKNOWN_UNIT),
        (b"\xff", Malformed.NOT_JSON),
    ],
)
def test_malformed_readings(payload: bytes, reason: Malformed) -> None:
    """Each malformed payload says why."""
    with pytest.raises(MalformedError) as caught:
        parse_reading(SENSOR, ReadingKind.GAUGE, payload)
    assert caught.value.reason is reason


def test_reading_units() -> None:
    """Wh become kWh, litres m³, litres a day litres a minute."""
    assert parse_reading(SENSOR, ReadingKind.COUNTER, b'[5, 2500, "Wh"]').value == 2.5
    assert parse_reading(SENSOR, ReadingKind.COUNTER, b'[5, 2500, "L"]').value == 2.5
    gauge = parse_reading(SENSOR, ReadingKind.GAUGE, b'[5, 1440, "L/day"]')
    assert gauge.value == pytest.approx(1.0)
    assert parse_topic(f"/sensor/{SENSOR}/gauge") == (SENSOR, ReadingKind.GAUGE)
    assert parse_topic("/sensor/short/gauge") is None


def test_continuity() -> None:
    """A restart carries on; a glitch is dropped; the state survives a restore."""
    counter = CounterContinuity()
    assert counter.value("m", 100.0) == 100.0
    assert counter.value("m", 0.0) is None
    assert counter.value("m", 101.0) == 101.0
    assert counter.glitches == 1
    assert counter.value("m", 3.0) is None
    assert counter.value("m", 1.0) is None
    assert counter.value("m", 2.0) == 103.0
    assert counter.resets == 1
    restored = CounterContinuity()
    restored.restore(
        {**json.loads(json.dumps(counter.snapshot())), "bad": 1, "worse": {}}
    )
    restored.restore(None)
    assert restored.value("m", 4.0) == 105.0
    assert restored.snapshot() == {"m": {"offset": 101.0, "last": 4.0}}


class _Recorder:
    """A decoder listener that keeps what it is told."""

    def __init__(self) -> None:
        self.sensors: list[dict[str, FluksoSensor]] = []
        self.readings: list[Reading] = []

    def sensors_changed(self, sensors: dict[str, FluksoSensor]) -> None:
        self.sensors.append(dict(sensors))

    def reading_received(self, reading: Reading) -> None:
        self.readings.append(reading)

    def message_skipped(self, reason: Malformed) -> None:
        """Counted by the decoder."""


def test_decoder_config_lifecycle() -> None:
    """A bad config is counted; clearing the retained topics removes the meter."""
    recorder = _Recorder()
    decoder = FluksoDecoder(recorder)
    config = json.dumps({"1": {"id": SENSOR, "type": "water"}}).encode()
    decoder.handle("/device/flm/config/sensor", b"{")
    decoder.handle("/device/flm/config/flx", b"{")
    assert decoder.skipped == {Malformed.BAD_CONFIG: 2}
    decoder.handle("/device/flm/config/sensor", config)
    decoder.handle("/device/flm/config/flx", b'{"1": {"name": "Tap"}}')
    decoder.handle(f"/sensor/{'f' * 32}/gauge", b'[1, 2, "W"]')
    decoder.handle("/other/topic", b"")
    assert decoder.devices == ("flm",)
    decoder.handle("/device/flm/config/flx", b"")
    decoder.handle("/device/flm/config/sensor", b"")
    assert [list(s) for s in recorder.sensors] == [[SENSOR], []]
    assert recorder.readings == []
    assert decoder.devices == ()
