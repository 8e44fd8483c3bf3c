"""Time-weighted rolling average of an irregularly sampled signal."""

from collections import deque


class TimeWeightedAverage:
    """Average a step signal over the last ``window`` seconds.

    Each sample holds until the next one, as a sensor's state does in Home
    Assistant, so a value reported once and then left unchanged for a minute
    weighs a minute, not one sample. The window is given with each question,
    so its owner's setting is the only place it is kept.
    """

    __slots__ = ("_samples",)

    def __init__(self) -> None:
        """Start without samples."""
        self._samples: deque[tuple[float, float]] = deque()

    def add(self, at: float, value: float) -> None:
        """Record that the signal became ``value`` at time ``at`` (seconds)."""
        self._samples.append((at, value))

    def clear(self) -> None:
        """Forget every sample."""
        self._samples.clear()

    def covered(self, now: float, window: float) -> float:
        """Return how many seconds of the ``window`` ending ``now`` are covered."""
        if not self._samples:
            return 0.0
        return min(window, now - self._samples[0][0])

    def forget(self, before: float) -> None:
        """Drop the samples that no longer hold at ``before`` (seconds)."""
        samples = self._samples
        # Keep one sample from before: it holds at ``before``.
        while len(samples) > 1 and samples[1][0] <= before:
            samples.popleft()

    def mean(self, now: float, window: float) -> float | None:
        """Return the average over the ``window`` seconds ending ``now``.

        None if there are no samples; older samples are kept (see
        :meth:`forget`), so windows of several lengths can be asked for.
        """
        samples = self._samples
        if not samples:
            return None
        start = now - window
        total = 0.0
        span = 0.0
        end = now
        for at, value in reversed(samples):
            begin = max(at, start)
            if end > begin:
                total += value * (end - begin)
                span += end - begin
            if at <= start:
                break
            end = at
        if span == 0:
            return samples[-1][1]
        return total / span
