"""Timestamps of exported files: ISO with an offset, or naive in a time zone.

Naive local times are read in the time zone the user gives. On the night the
clocks go back the hour 02:00-03:00 (Europe) happens twice; a file in local
time lists it twice, so a time that would go back to before the previous row
is the second one (``fold=1``). A time that does not exist (the hour skipped
when the clocks go forward) is a bad row.
"""

from datetime import UTC, datetime, tzinfo

_NAIVE_FORMATS = ("%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M")


class TimestampParser:
    """Parse the timestamps of one file, in order."""

    def __init__(self, zone: tzinfo) -> None:
        """Read naive timestamps in ``zone``."""
        self._zone = zone
        self._previous: datetime | None = None

    def parse(self, text: str) -> datetime:
        """Return ``text`` as an aware UTC datetime.

        Raises:
            ValueError: for text that is no timestamp or a local time that
                does not exist.
        """
        moment = _parse_any(text.strip())
        if moment.tzinfo is None:
            moment = self._localize(moment)
        moment = moment.astimezone(UTC)
        self._previous = moment
        return moment

    def _localize(self, naive: datetime) -> datetime:
        """Return the aware time of a naive local one (DST-aware)."""
        first = naive.replace(tzinfo=self._zone)
        if first.astimezone(UTC).astimezone(self._zone).replace(tzinfo=None) != naive:
            raise ValueError(f"{naive} does not exist in {self._zone}")
        second = first.replace(fold=1)
        if (
            first.utcoffset() != second.utcoffset()
            and self._previous is not None
            and first <= self._previous < second
        ):
            # Ambiguous (the clocks went back) and the first one would not
            # come after the previous row: the second one.
            return second
        return first


def _parse_any(text: str) -> datetime:
    """Parse ISO 8601 or one of the known naive formats."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _NAIVE_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(f"not a timestamp: {text!r}")
