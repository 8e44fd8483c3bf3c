"""Which vocabulary keys a Flukso sensor's readings are published under.

The direction is known for the P1 port of an FLM03 (``pplus``: grid import,
``pminus``: grid export) and for gas and water (always imported); any other
electricity sensor measures a circuit (a CT clamp, a pulse meter), whose
readings get the per-circuit ``meter_*`` keys.
"""

from ..vocabulary import Key
from .model import FluksoSensor, ReadingKind, SensorType

_GAUGE_ONLY: dict[str, Key] = {
    "vrms": Key.METER_VOLTAGE,
    "irms": Key.METER_CURRENT,
    "pf": Key.METER_POWER_FACTOR,
}
_PF_SCALE = 0.001
"""An FLM03 publishes its power factor in thousandths."""


_DIRECTED: dict[tuple[bool, bool], tuple[Key, Key]] = {
    # (on the P1 port, exporting): (gauge key, counter key)
    (True, False): (Key.GRID_POWER_IMPORT, Key.GRID_ELEC_IMPORT),
    (True, True): (Key.GRID_POWER_EXPORT, Key.GRID_ELEC_EXPORT),
    (False, False): (Key.METER_POWER_IMPORT, Key.METER_ELEC_IMPORT),
    (False, True): (Key.METER_POWER_EXPORT, Key.METER_ELEC_EXPORT),
}
_UTILITIES: dict[SensorType, tuple[Key, Key]] = {
    SensorType.GAS: (Key.GRID_GAS_FLOW, Key.GRID_GAS_IMPORT),
    SensorType.WATER: (Key.GRID_WATER_FLOW, Key.GRID_WATER_IMPORT),
}


def sensor_keys(sensor: FluksoSensor) -> dict[ReadingKind, Key]:
    """Return the key of each reading kind the sensor's entities show."""
    if sensor.subtype in _GAUGE_ONLY:
        return {ReadingKind.GAUGE: _GAUGE_ONLY[sensor.subtype]}
    gauge, counter = (
        _UTILITIES.get(sensor.type)
        or _DIRECTED[sensor.port_class == "uart", sensor.subtype == "pminus"]
    )
    return {ReadingKind.GAUGE: gauge, ReadingKind.COUNTER: counter}


def scale(sensor: FluksoSensor) -> float:
    """Return the factor a gauge of the sensor needs beyond its unit's."""
    return _PF_SCALE if sensor.subtype == "pf" else 1.0
