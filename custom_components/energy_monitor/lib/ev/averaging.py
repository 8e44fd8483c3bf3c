"""Time-weighted rolling average of an irregularly sampled signal."""

from collections import deque


class TimeWeightedAverage:
    """Average a step signal over the last ``window`` seconds.

    Each sample holds until the next one, as a sensor's state does in Home
    Assistant, so a value reported once and then left unchanged for a minute
    weighs a minute, not one sample.
    """

    __slots__ = ("_samples", "window")

    def __init__(self, window: float) -> None:
        """Average over ``window`` seconds."""
        self.window = window
        self._samples: deque[tuple[float, float]] = deque()

    def add(self, at: float, value: float) -> None:
        """Record that the signal became ``value`` at time ``at`` (seconds)."""
        self._samples.append((at, value))

    def clear(self) -> None:
        """Forget every sample."""
        self._samples.clear()

    def covered(self, now: float) -> float:
        """Return how many seconds of the window the samples cover."""
        if not self._samples:
            return 0.0
        return min(self.window, now - self._samples[0][0])

    def mean(self, now: float) -> float | None:
        """Return the average over the window ending ``now`` (None if empty)."""
        samples = self._samples
        start = now - self.window
        # Keep one sample from before the window: it holds at the window start.
        while len(samples) > 1 and samples[1][0] <= start:
            samples.popleft()
        if not samples:
            return None
        total = 0.0
        span = 0.0
        for index, (at, value) in enumerate(samples):
            begin = max(at, start)
            end = samples[index + 1][0] if index + 1 < len(samples) else now
            if end > begin:
                total += value * (end - begin)
                span += end - begin
        if span == 0:
            return samples[-1][1]
        return total / span
