"""Parse the gauge and counter messages of a Flukso sensor.

``/sensor/<id>/gauge`` and ``/sensor/<id>/counter`` carry a JSON array
``[unix time, value, unit]``, e.g. ``[1459065180, 157, "W"]`` or
``[1459065184, 2149218, "Wh"]``. Values are converted to the vocabulary's
units; anything else (too large, not JSON, another arity, a value that is
not a finite number, an unknown unit) raises :class:`MalformedError` with
the reason, for the caller to count.
"""

import json
import math
import re

from .model import Malformed, Reading, ReadingKind

MAX_READING_BYTES = 256
"""The largest gauge or counter payload read (a real one is ~30 bytes)."""

TOPIC = re.compile(r"^/sensor/([0-9a-fA-F]{32})/(gauge|counter)$")
"""A reading's topic: the sensor ID and the kind."""

SCALE: dict[str, float] = {
    "W": 1.0,
    "Wh": 0.001,
    "L": 0.001,
    "l": 0.001,
    "L/min": 1.0,
    "lpermin": 1.0,
    "L/day": 1 / 1440,
    "lperday": 1 / 1440,
    "V": 1.0,
    "A": 1.0,
    "": 1.0,
}
"""Factor from a message's unit to the vocabulary's (kWh, m³, L/min, ...)."""


class MalformedError(ValueError):
    """A message that is not a reading; ``reason`` says why."""

    def __init__(self, reason: Malformed) -> None:
        """Keep the reason."""
        super().__init__(reason)
        self.reason = reason


def parse_topic(topic: str) -> tuple[str, ReadingKind] | None:
    """Return the sensor ID and kind of a reading's topic (``None``: not one)."""
    match = TOPIC.match(topic)
    if match is None:
        return None
    return match.group(1).lower(), ReadingKind(match.group(2))


def parse_reading(sensor_id: str, kind: ReadingKind, payload: bytes) -> Reading:
    """Return the reading a message carries.

    Raises:
        MalformedError: when the message is not a valid reading.
    """
    if len(payload) > MAX_READING_BYTES:
        raise MalformedError(Malformed.TOO_LARGE)
    try:
        document = json.loads(payload)
    except UnicodeDecodeError, json.JSONDecodeError:
        raise MalformedError(Malformed.NOT_JSON) from None
    if not isinstance(document, list) or len(document) != 3:  # noqa: PLR2004
        raise MalformedError(Malformed.WRONG_SHAPE)
    timestamp, value, unit = document
    if not _number(timestamp) or not _number(value):
        raise MalformedError(Malformed.NOT_A_NUMBER)
    if not isinstance(unit, str) or unit not in SCALE:
        raise MalformedError(Malformed.UNKNOWN_UNIT)
    return Reading(sensor_id, kind, int(timestamp), float(value) * SCALE[unit])


def _number(value: object) -> bool:
    """Tell whether ``value`` is a finite JSON number (not a boolean)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )
