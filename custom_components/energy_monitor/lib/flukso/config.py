"""Parse a Flukso meter's retained configuration topics.

``/device/<id>/config/sensor`` maps sensor numbers to sensor settings. An
FLM02 entry names the sensor (``function``) and its ``class`` (analog,
pulse); an FLM03 entry has a ``subtype`` (``pplus``, ``pminus``, ``vrms``,
...) and ``port`` numbers, whose names and classes (ct, pulse, uart: the P1
port) are in ``/device/<id>/config/flx``. FluksoKube sensors are named in
``/device/<id>/config/kube``. Disabled sensors, sensors without an ID,
settings that are not sensors (``tmpo``, ``mqtt``, ``daemon``, ``main``) and
sensor types other than electricity, gas and water are left out.
"""

from collections.abc import Mapping
from dataclasses import dataclass
import json
from typing import Any

from .model import FluksoSensor, SensorType

MAX_CONFIG_BYTES = 65536
"""The largest configuration payload read (an FLM03 with 128 sensors is ~20 kB)."""

SUPPORTED_SUBTYPES: frozenset[str | None] = frozenset(
    {None, "pplus", "pminus", "vrms", "irms", "pf"}
)
"""FLM03 subtypes offered as entities (reactive power and distortion are not)."""


class ConfigError(ValueError):
    """A configuration payload is not a JSON object of the expected shape."""


@dataclass(frozen=True, slots=True)
class Port:
    """A port of an FLM03 (from its ``flx`` configuration)."""

    name: str | None
    port_class: str | None


def _object(payload: bytes) -> dict[str, Any]:
    """Return a payload's JSON object.

    Raises:
        ConfigError: when it is too large, not JSON or not an object.
    """
    if len(payload) > MAX_CONFIG_BYTES:
        raise ConfigError("configuration too large")
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError("configuration is not JSON") from err
    if not isinstance(document, dict):
        raise ConfigError("configuration is not a JSON object")
    return document


def _text(value: object) -> str | None:
    """Return a non-empty string setting, else ``None``."""
    return value.strip() or None if isinstance(value, str) else None


def parse_names(payload: bytes) -> dict[int, Port]:
    """Return the ports of an ``flx`` (or the Kubes of a ``kube``) payload.

    Raises:
        ConfigError: when the payload is not a JSON object.
    """
    ports: dict[int, Port] = {}
    for number, settings in _object(payload).items():
        if number.isdigit() and isinstance(settings, dict):
            ports[int(number)] = Port(
                _text(settings.get("name")), _text(settings.get("class"))
            )
    return ports


def _port(settings: Mapping[str, Any]) -> int | None:
    """Return the first port of a sensor's settings."""
    ports = settings.get("port")
    if isinstance(ports, list) and ports and isinstance(ports[0], int):
        return ports[0]
    return None


def parse_sensors(
    device_id: str, payload: bytes, ports: Mapping[int, Port] | None = None
) -> tuple[FluksoSensor, ...]:
    """Return the enabled sensors of a ``config/sensor`` payload, by number.

    Args:
        device_id: the meter's ID (from the topic).
        payload: the retained configuration.
        ports: the FLM03 port names and classes (``config/flx``).

    Raises:
        ConfigError: when the payload is not a JSON object.
    """
    ports = ports or {}
    found: list[tuple[int, FluksoSensor]] = []
    for number, settings in _object(payload).items():
        if not number.isdigit() or not isinstance(settings, dict):
            continue
        sensor_id = _text(settings.get("id"))
        enabled = settings.get("enable", 1) in (1, "1", True)
        subtype = _text(settings.get("subtype"))
        try:
            kind = SensorType(str(settings.get("type")))
        except ValueError:
            continue
        if sensor_id is None or not enabled or subtype not in SUPPORTED_SUBTYPES:
            continue
        port_number = _port(settings)
        port = ports.get(port_number) if port_number is not None else None
        name = (
            _text(settings.get("function"))
            or (port.name if port else None)
            or f"{kind} {number}"
        )
        found.append(
            (
                int(number),
                FluksoSensor(
                    sensor_id=sensor_id.lower(),
                    device_id=device_id,
                    type=kind,
                    name=name,
                    subtype=subtype,
                    port=port_number,
                    port_class=(port.port_class if port else None)
                    or _text(settings.get("class")),
                ),
            )
        )
    return tuple(sensor for _number, sensor in sorted(found, key=lambda f: f[0]))
