"""When a value is written as a state: the write policy of a key.

Every state change is a row in Home Assistant's recorder (and, for values
without a unit, an entry in the activity log). A meter that reports every
second would write a row per entity per second, most of them carrying nothing
a user looks at. A :class:`WritePolicy` (one per vocabulary key) says which
updates are worth a row; a :class:`WriteGate` (one per entity) applies it.

* ``every``: a changed value is written at most once per slot of this many
  seconds, slots aligned to the clock (a divisor of an hour, so every hour
  and quarter starts a slot, in any time zone); a change held back is
  written when its slot ends, so the last state before every slot boundary
  (and thus before every hour the statistics close) is the latest value.
* ``deadband``: a number that moved less than this from the written one is
  held back...
* ``max_silence``: ...until this many seconds passed since the last write,
  so a flat line is still confirmed.
* ``live``: every update is written, even an unchanged one (Home Assistant
  then refreshes ``last_reported`` without a new row), so live data looks live.

Whatever the policy, a change of availability is written at once.
"""

from dataclasses import dataclass
import math


@dataclass(frozen=True, slots=True)
class WritePolicy:
    """Which updates of a key's value are written (see the module)."""

    every: float = 0.0
    """Seconds per slot: a changed value is written at most once a slot."""
    deadband: float = 0.0
    """A number that moved less than this is held back."""
    max_silence: float | None = None
    """Seconds after which a held-back change is written anyway."""
    live: bool = False
    """Write every update, changed or not."""

    def __post_init__(self) -> None:
        """Check that slots divide an hour (so hours start slots)."""
        if self.every and 3600 % self.every:
            msg = f"write slots of {self.every} s do not divide an hour"
            raise ValueError(msg)


LIVE = WritePolicy(live=True)
"""Every update: live power, and anything without a policy of its own."""
ON_CHANGE = WritePolicy()
"""Every change of what the user sees (at its display precision)."""


def slot_end(now: float, every: float) -> float:
    """Return when the slot of ``every`` seconds that holds ``now`` ends."""
    return (math.floor(now / every) + 1) * every


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with an update."""

    write: bool
    retry_at: float | None = None
    """When a held-back change is due (its slot's end), if it is."""


_HOLD = Decision(write=False)
_WRITE = Decision(write=True)


class WriteGate:
    """Apply a :class:`WritePolicy` to the updates of one entity."""

    def __init__(self, policy: WritePolicy) -> None:
        """Start with nothing written."""
        self.policy = policy
        self._forced: tuple[object, ...] | None = None
        self._shown: tuple[object, ...] | None = None
        self._written_at: float | None = None
        self._slot_written_at: float | None = None

    def prime(
        self, now: float, forced: tuple[object, ...], shown: tuple[object, ...]
    ) -> None:
        """Record the state shown when the entity appeared.

        It starts the silence, but uses no slot: the first change is written
        at once (a user who just set the source up sees it move).
        """
        self._forced, self._shown, self._written_at = forced, shown, now

    def decide(
        self, now: float, forced: tuple[object, ...], shown: tuple[object, ...]
    ) -> Decision:
        """Tell whether an update is written now, and record it if so.

        Args:
            now: the wall-clock time in seconds (epoch).
            forced: what is written at once when it changes (availability).
            shown: what the policy throttles; its first item is the value.
        """
        decision = self._decide(now, forced, shown)
        if decision.write:
            self._forced, self._shown = forced, shown
            self._written_at = self._slot_written_at = now
        return decision

    def _decide(
        self, now: float, forced: tuple[object, ...], shown: tuple[object, ...]
    ) -> Decision:
        """Apply the policy (see :meth:`decide`)."""
        policy = self.policy
        if policy.live or forced != self._forced or self._shown is None:
            return _WRITE
        if shown == self._shown:
            return _HOLD
        silent = policy.max_silence is not None and (
            self._written_at is None or now - self._written_at >= policy.max_silence
        )
        if not silent and _within(shown[0], self._shown[0], policy.deadband):
            return _HOLD
        slot_at = self._slot_written_at
        if policy.every and slot_at is not None:
            end = slot_end(slot_at, policy.every)
            if now < end:
                return Decision(write=False, retry_at=end)
        return _WRITE


def _within(value: object, written: object, deadband: float) -> bool:
    """Tell whether two numbers differ by less than ``deadband``."""
    if (
        not deadband
        or not isinstance(value, int | float)
        or not isinstance(written, int | float)
    ):
        return False
    return abs(value - written) < deadband
