"""Exponential backoff shared by every reconnecting client.

After a failure the next attempt waits ``first`` seconds, doubling up to
``maximum``; a success resets it, so a link that works again is retried at once
the next time it fails.
"""

from dataclasses import dataclass


@dataclass(slots=True)
class Backoff:
    """How long to wait before the next attempt; see the module docstring."""

    first: float = 1.0
    maximum: float = 60.0
    failures: int = 0

    def failed(self) -> float:
        """Record a failure and return the seconds to wait before retrying."""
        self.failures += 1
        return self.delay

    @property
    def delay(self) -> float:
        """Return the wait the current run of failures calls for (0 if none)."""
        if self.failures == 0:
            return 0.0
        return min(self.maximum, self.first * 2.0 ** (self.failures - 1))

    def succeeded(self) -> None:
        """Record a success: the next failure starts from ``first`` again."""
        self.failures = 0
