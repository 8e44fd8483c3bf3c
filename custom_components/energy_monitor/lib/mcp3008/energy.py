"""Energy from power reports: the trapezoid rule, split into import and export.

Power is signed (+ import, - export). Between two reports the power is taken
to change linearly; where it crosses zero the area is split at the crossing,
so a circuit that turns from import to export counts each part the right way.
No energy is counted across a gap longer than ``max_gap`` (an outage: the
power then is unknown, and inventing it would corrupt a lifetime total).
"""

_WS_PER_KWH = 3_600_000.0


class EnergyIntegrator:
    """Integrate power reports per name; see the module docstring."""

    def __init__(self, max_gap: float) -> None:
        """Count nothing across more than ``max_gap`` seconds."""
        self._max_gap = max_gap
        self._last: dict[str, tuple[float, float]] = {}

    def add(self, name: str, power: float, at: float) -> tuple[float, float]:
        """Return the kWh imported and exported since ``name``'s last report.

        Args:
            name: what the power is of.
            power: watts (+ import, - export).
            at: seconds on any clock.
        """
        previous = self._last.get(name)
        self._last[name] = (power, at)
        if previous is None:
            return 0.0, 0.0
        before, then = previous
        elapsed = at - then
        if not 0 < elapsed <= self._max_gap:
            return 0.0, 0.0
        if before * power < 0:
            crossing = before / (before - power)
            areas = (
                before * crossing * elapsed / 2,
                power * (1 - crossing) * elapsed / 2,
            )
        else:
            areas = ((before + power) * elapsed / 2, 0.0)
        imported = sum(area for area in areas if area > 0) / _WS_PER_KWH
        exported = -sum(area for area in areas if area < 0) / _WS_PER_KWH
        return imported, exported
