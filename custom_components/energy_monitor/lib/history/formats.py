"""The file formats a history import reads, each yielding :class:`Record` s.

* ``csv``: any CSV with a header; the timestamp and value columns by name
  (``;``-separated files may use a decimal comma).
* ``flukso``: Flukso API dumps, no header, ``YYYY-mm-dd HH:MM:SS,value``;
  several overlapping files, the last one wins (as opengrid consolidated them).
* ``bems``: the BEMS/AMI 15-minute kW exports (``TIME`` or ``inserted_at``,
  columns such as ``total_load(kW)``, ``net_load(kW)``, ``grid_power``).
* ``octopus``: octopus_viz JSON lines ``{consumption, unit, interval_start,
  interval_end}``, in any order, the last duplicate wins.

Timestamps are parsed by :class:`~.timestamps.TimestampParser`; every bad row
is counted in :class:`~.model.BadRows` with its line number.
"""

from collections.abc import Iterable, Iterator
import csv
from datetime import datetime, tzinfo
from enum import StrEnum
import json
import math
from typing import TextIO

from .model import BadRows, HistoryError, Record
from .timestamps import TimestampParser


class FileFormat(StrEnum):
    """The formats the import reads."""

    CSV = "csv"
    FLUKSO = "flukso"
    BEMS = "bems"
    OCTOPUS = "octopus"


BEMS_TIME_COLUMNS = ("TIME", "inserted_at")
BEMS_DEFAULT_COLUMNS = ("net_load", "grid_power")


def parse_value(text: str) -> float | None:
    """Return the number in ``text``; None for an empty value (a gap).

    Raises:
        ValueError: for text that is not a finite number.
    """
    text = text.strip()
    if not text or text.lower() in {"nan", "null", "none", "-"}:
        return None
    value = float(text)
    if math.isnan(value):
        return None
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text}")
    return value


def _column(header: list[str], wanted: str) -> int:
    """Return the index of ``wanted`` (exact, or before a ``(unit)`` suffix).

    Raises:
        HistoryError: when the header has no such column.
    """
    names = [name.strip() for name in header]
    if wanted in names:
        return names.index(wanted)
    bare = [name.split("(", 1)[0].strip() for name in names]
    if wanted in bare:
        return bare.index(wanted)
    raise HistoryError(f"no column {wanted!r} in {', '.join(names)}")


def read_csv(
    stream: TextIO,
    zone: tzinfo,
    bad: BadRows,
    *,
    timestamp_column: str,
    value_column: str,
) -> Iterator[Record]:
    """Yield the rows of a CSV file with a header, by column name.

    Raises:
        HistoryError: for a missing header or column.
    """
    return _csv_rows(
        stream.readline(),
        stream,
        zone,
        bad,
        timestamp_column=timestamp_column,
        value_column=value_column,
    )


def _csv_rows(
    first: str,
    stream: TextIO,
    zone: tzinfo,
    bad: BadRows,
    *,
    timestamp_column: str,
    value_column: str,
) -> Iterator[Record]:
    """Yield the rows after the header line ``first``."""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter), None)
    if not header:
        raise HistoryError("the file is empty")
    time_index = _column(header, timestamp_column)
    value_index = _column(header, value_column)
    needed = max(time_index, value_index)
    parser = TimestampParser(zone)
    for number, row in enumerate(csv.reader(stream, delimiter=delimiter), start=2):
        if not row:
            continue
        if len(row) <= needed:
            bad.add(number, "missing columns")
            continue
        text = row[value_index]
        if delimiter == ";":
            text = text.replace(",", ".")
        if (record := _record(parser, bad, number, row[time_index], text)) is not None:
            yield record


def _record(
    parser: TimestampParser, bad: BadRows, number: int, when: str, text: str
) -> Record | None:
    """Return one row as a record, or count it as bad or empty."""
    try:
        value = parse_value(text)
        start = parser.parse(when)
    except ValueError as err:
        bad.add(number, str(err))
        return None
    if value is None:
        bad.empty += 1
        return None
    return Record(number, start, value)


def read_bems(
    stream: TextIO, zone: tzinfo, bad: BadRows, *, value_column: str | None
) -> Iterator[Record]:
    """Yield the rows of a BEMS/AMI export (kW per 15 minutes).

    Without ``value_column`` the net load (ABRI) or grid power (Carlab, NCKU)
    column is read.

    Raises:
        HistoryError: for a file that is no BEMS export.
    """
    first = stream.readline()
    header = [name.strip() for name in next(csv.reader([first]), [])]
    bare = {name.split("(", 1)[0].strip() for name in header}
    time_column = next((name for name in BEMS_TIME_COLUMNS if name in bare), None)
    column = value_column or next(
        (name for name in BEMS_DEFAULT_COLUMNS if name in bare), None
    )
    if time_column is None or column is None:
        raise HistoryError(f"not a BEMS export: {', '.join(header)}")
    yield from _csv_rows(
        first, stream, zone, bad, timestamp_column=time_column, value_column=column
    )


def read_flukso(
    files: Iterable[tuple[str, TextIO]], zone: tzinfo, bad: BadRows
) -> Iterator[Record]:
    """Yield the samples of Flukso API dumps, merged; the last file wins.

    ``files`` are (name, stream) in the order given (opengrid sorted them by
    name, which starts with the sensor and the first time).
    """
    merged: dict[datetime, Record] = {}
    for name, stream in files:
        parser = TimestampParser(zone)
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            when, sep, text = line.partition(",")
            if not sep:
                bad.add(number, f"{name}: no comma")
                continue
            record = _record(parser, bad, number, when, text)
            if record is not None:
                merged[record.start] = record
    for start in sorted(merged):
        yield merged[start]


def read_octopus(stream: TextIO, zone: tzinfo, bad: BadRows) -> Iterator[Record]:
    """Yield the intervals of an octopus_viz JSON-lines cache, in time order."""
    merged: dict[datetime, Record] = {}
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            value = parse_value(str(item["consumption"]))
            start = TimestampParser(zone).parse(item["interval_start"])
            end = TimestampParser(zone).parse(item["interval_end"])
        except (ValueError, KeyError, TypeError) as err:
            bad.add(number, f"{type(err).__name__}: {err}")
            continue
        if value is None:
            bad.empty += 1
            continue
        if end <= start:
            bad.add(number, "interval_end is not after interval_start")
            continue
        merged[start] = Record(number, start, value, end)
    for start in sorted(merged):
        yield merged[start]
