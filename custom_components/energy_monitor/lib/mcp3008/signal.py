"""AC measurement maths on whole mains cycles of samples.

RMS after DC removal is ``√(mean(x²) - mean(x)²)``, computed as the RMS of
the samples minus their mean (the same value, without the cancellation of
two large numbers). Real power is ``mean(v·i)`` of the two AC parts, with
the voltage interpolated to the moment each current sample was taken plus a
phase correction: the generalisation of emonlib's ``PHASECAL``.
"""

from collections.abc import Sequence
import math


def mean(samples: Sequence[float]) -> float:
    """Return the mean (0 for no samples)."""
    return math.fsum(samples) / len(samples) if samples else 0.0


def rms_ac(samples: Sequence[float]) -> float:
    """Return the RMS of the samples after removing their DC part."""
    if not samples:
        return 0.0
    centre = mean(samples)
    return math.sqrt(math.fsum((x - centre) ** 2 for x in samples) / len(samples))


def real_power(
    voltage: Sequence[float],
    current: Sequence[float],
    *,
    current_at: float,
    shift: float = 0.0,
) -> float:
    """Return mean(v·i) of the AC parts of a voltage and a current.

    Args:
        voltage: voltage samples, one per sample period.
        current: current samples, one per sample period.
        current_at: when current sample ``k`` was taken, in sample periods
            after voltage sample ``k`` (0.5 when the two alternate).
        shift: a phase correction in sample periods: how much later the
            voltage is read than its samples say (the transformers' phase
            error, from the channel's calibration).
    """
    v_mean = mean(voltage)
    i_mean = mean(current)
    last = len(voltage) - 1
    total = 0.0
    used = 0
    for k, i in enumerate(current):
        at = k + current_at + shift
        low = math.floor(at)
        if low < 0 or low >= last:
            continue
        fraction = at - low
        v = voltage[low] + fraction * (voltage[low + 1] - voltage[low])
        total += (v - v_mean) * (i - i_mean)
        used += 1
    return total / used if used else 0.0


def clipped(codes: Sequence[int], full_scale: int) -> int:
    """Return how many codes are at 0 or full scale (the input clipped)."""
    return sum(1 for code in codes if code in {0, full_scale})


def stuck_at_rail(codes: Sequence[int], full_scale: int) -> bool:
    """Tell whether every code is 0, or every code full scale (check wiring)."""
    return bool(codes) and (
        all(code == 0 for code in codes) or all(code == full_scale for code in codes)
    )
