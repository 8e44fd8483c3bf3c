"""Whether a meter's first answers look like the chosen model's.

A register map read from a different device answers nonsense rather than an
error: zeros everywhere (a gateway answers unused registers with 0), a
voltage of 0 or 6500 V, a frequency of 0 Hz. The setup wizard checks the
first answers with :func:`doubts` before it adds the meter.
"""

from collections.abc import Mapping

from ..vocabulary import Key, plausible
from .meter import Value, identity_text

MAINS_VOLTAGE = (80.0, 300.0)
"""Phase-to-neutral voltage of any low-voltage supply (V)."""
MAINS_FREQUENCY = (45.0, 65.0)
"""Mains frequency anywhere (Hz)."""
_PHASE_VOLTAGES = (Key.VOLTAGE_L1, Key.VOLTAGE_L2, Key.VOLTAGE_L3)


def _within(value: float, window: tuple[float, float]) -> bool:
    """Tell whether ``value`` lies in ``window``."""
    return window[0] <= value <= window[1]


def doubts(values: Mapping[str, Value], identity: Mapping[str, Value]) -> list[str]:
    """Return why the answers do not look like a working meter's (empty: fine).

    ``values`` is the probe read, ``identity`` the identity read (empty when
    the map has none or it failed). One phase in the mains range suffices: a
    three-phase meter may be wired to a single phase.
    """
    numbers = {key: value for key, value in values.items() if isinstance(value, float)}
    if not numbers or not any(numbers.values()):
        return ["every value is 0"]
    found: list[str] = []
    voltages = [numbers[key] for key in _PHASE_VOLTAGES if key in numbers]
    if voltages and not any(_within(v, MAINS_VOLTAGE) for v in voltages):
        found.append(f"voltage {max(voltages):g} V")
    frequency = numbers.get(Key.FREQUENCY)
    if frequency is not None and not _within(frequency, MAINS_FREQUENCY):
        found.append(f"frequency {frequency:g} Hz")
    found += [
        f"{key} {value:g}"
        for key, value in numbers.items()
        if not plausible(key, value) and key not in (*_PHASE_VOLTAGES, Key.FREQUENCY)
    ]
    if "serial_number" in identity and identity_text(identity["serial_number"]) in {
        None,
        "0",
    }:
        found.append("no serial number")
    return found
