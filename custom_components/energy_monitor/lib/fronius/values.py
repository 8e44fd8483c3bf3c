"""What the site and each inverter show, day and night.

An inverter powered from its panels goes to sleep at dusk: the Datamanager
then answers its requests with missing values, a startup status or an error
status, and the power flow reports ``P_PV: null``. A sleeping inverter
produces nothing, so PV power, AC power and currents are 0 (not unknown),
voltages and frequency are unknown, and the lifetime counters keep their
value (the caller keeps them from its counter guard).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from ..vocabulary import Key
from .model import InverterReading, PowerFlow, PowerFlowInverter, Value

type Shown = float | str | None
"""What a sensor shows: a number, a status text, or unknown."""

INVERTER_KEYS: tuple[Key, ...] = (
    Key.INVERTER_POWER_AC,
    Key.INVERTER_VOLTAGE_AC,
    Key.INVERTER_CURRENT_AC,
    Key.INVERTER_FREQUENCY_AC,
    Key.INVERTER_VOLTAGE_DC,
    Key.INVERTER_CURRENT_DC,
    Key.INVERTER_STATUS,
    Key.INVERTER_ERROR_CODE,
)
"""Every inverter has these, even one first seen asleep."""
ZERO_WHEN_ASLEEP: frozenset[Key] = frozenset(
    {
        Key.INVERTER_POWER_AC,
        Key.INVERTER_CURRENT_AC,
        Key.INVERTER_CURRENT_DC,
        Key.INVERTER_CURRENT_DC_2,
        Key.INVERTER_CURRENT_DC_3,
        Key.INVERTER_CURRENT_DC_4,
    }
)


@dataclass(frozen=True, slots=True)
class InverterValues:
    """One inverter's values and its reported energy counters (kWh)."""

    values: Mapping[str, Shown]
    """Values by :class:`Key`."""
    online: bool
    energy_total: Value
    energy_day: Value
    energy_year: Value


def site_values(flow: PowerFlow, *, battery_soc: bool) -> dict[str, Shown]:
    """Return the site's values from the power flow.

    PV power is 0 when the power flow has none (at night); battery power
    appears only once a battery reports one. With ``battery_soc``, the
    state of charge of the first inverter with a battery is added (for
    systems whose battery has no storage data of its own).
    """
    values: dict[str, Shown] = dict(flow.values)
    values[Key.PV_POWER] = flow.values.get(Key.PV_POWER) or 0.0
    if values.get(Key.BATTERY_POWER) is None:
        values.pop(Key.BATTERY_POWER, None)
    if battery_soc and (soc := flow.battery_soc) is not None:
        values[Key.BATTERY_SOC] = soc
    return values


def inverter_values(
    reading: InverterReading | None,
    flow: PowerFlowInverter | None,
    phases: Mapping[str, Value] | None = None,
) -> InverterValues:
    """Return an inverter's values from its latest answers.

    Args:
        reading: its realtime data; ``None`` when it did not answer.
        flow: its entry in the power flow, if any: used for what the
            realtime data lacks.
        phases: its per-phase AC values, if it has them.
    """
    values: dict[str, Shown] = dict.fromkeys(INVERTER_KEYS)
    if reading is not None:
        values.update(reading.values)
        values[Key.INVERTER_STATUS] = reading.status
        values[Key.INVERTER_ERROR_CODE] = reading.error_code
    values.update(phases or {})
    if values[Key.INVERTER_POWER_AC] is None and flow is not None:
        values[Key.INVERTER_POWER_AC] = flow.power
    if reading is not None:
        online = reading.online
    else:
        online = flow is not None and (flow.power or 0) > 0
    for key, value in list(values.items()):
        if value is not None:
            continue
        if not online and key in ZERO_WHEN_ASLEEP:
            values[key] = 0.0
        elif key not in INVERTER_KEYS:
            del values[key]
    sources = [source for source in (reading, flow) if source is not None]
    return InverterValues(
        values=values,
        online=online,
        energy_total=_first(*(source.energy_total for source in sources)),
        energy_day=_first(*(source.energy_day for source in sources)),
        energy_year=_first(*(source.energy_year for source in sources)),
    )


def _first(*candidates: Value) -> Value:
    """Return the first value that is not ``None``."""
    return next((value for value in candidates if value is not None), None)
