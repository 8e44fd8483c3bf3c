"""What a Flukso meter reports: its sensors and their readings."""

from dataclasses import dataclass
from enum import StrEnum


class SensorType(StrEnum):
    """What a Flukso sensor measures (the config's ``type``)."""

    ELECTRICITY = "electricity"
    GAS = "gas"
    WATER = "water"


class ReadingKind(StrEnum):
    """The two topics a sensor publishes on."""

    GAUGE = "gauge"
    COUNTER = "counter"


class Malformed(StrEnum):
    """Why a message was skipped."""

    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"
    WRONG_SHAPE = "wrong_shape"
    NOT_A_NUMBER = "not_a_number"
    UNKNOWN_UNIT = "unknown_unit"
    BAD_CONFIG = "bad_config"


@dataclass(frozen=True, slots=True)
class FluksoSensor:
    """One enabled sensor of a meter's configuration."""

    sensor_id: str
    """The 32-hex-digit ID the readings are published under."""
    device_id: str
    """The meter (FLM) that publishes its configuration."""
    type: SensorType
    name: str
    """The sensor's ``function`` (FLM02) or its port's name (FLM03)."""
    subtype: str | None = None
    """FLM03: ``pplus``, ``pminus``, ``vrms``, ``irms``, ``pf``, ..."""
    port: int | None = None
    port_class: str | None = None
    """``ct``, ``pulse``, ``uart`` (P1) on FLM03; ``analog``, ``pulse`` on FLM02."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One gauge or counter message, converted to the vocabulary's units.

    Power in W, flow in L/min, energy in kWh, volume in m³, voltage in V,
    current in A, power factor as a fraction.
    """

    sensor_id: str
    kind: ReadingKind
    timestamp: int
    value: float
