"""Read history files into hourly amounts: a format, a kind, a unit.

This is the blocking part of an import (it opens files and streams them row
by row); Home Assistant runs it in an executor.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TextIO

from .formats import FileFormat, read_bems, read_csv, read_flukso, read_octopus
from .hourly import HourlyBuilder, HourlySeries
from .model import BadRows, Direction, HistoryError, Record, ValueKind

FORMAT_DEFAULTS: dict[FileFormat, tuple[ValueKind, str]] = {
    FileFormat.CSV: (ValueKind.POWER, "W"),
    FileFormat.FLUKSO: (ValueKind.POWER, "W"),
    FileFormat.BEMS: (ValueKind.POWER, "kW"),
    FileFormat.OCTOPUS: (ValueKind.ENERGY, "kWh"),
}
"""Per format the kind and unit of its values unless the user says."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read the files: the user's choices."""

    file_format: FileFormat
    kind: ValueKind | None = None
    unit: str | None = None
    direction: Direction = Direction.IMPORT
    timestamp_column: str = "timestamp"
    value_column: str | None = None


def read_history(
    paths: list[Path],
    options: ReadOptions,
    zone: tzinfo,
    progress: Callable[[int], None] | None = None,
) -> HourlySeries:
    """Return the hourly amounts of ``paths`` (several only for Flukso dumps).

    Raises:
        HistoryError: for a file that cannot be read or has no valid row.
    """
    kind, unit = FORMAT_DEFAULTS[options.file_format]
    bad = BadRows()
    builder = HourlyBuilder(
        options.kind or kind, options.unit or unit, options.direction, bad
    )
    if options.file_format is not FileFormat.FLUKSO and len(paths) != 1:
        raise HistoryError(f"{len(paths)} files match; this format reads one")
    streams = [_open(path) for path in paths]
    try:
        return builder.add_all(_records(streams, paths, options, zone, bad), progress)
    except (OSError, UnicodeDecodeError) as err:
        raise HistoryError(str(err)) from err
    finally:
        for stream in streams:
            stream.close()


def _open(path: Path) -> TextIO:
    """Open a text file (a UTF-8 byte order mark is skipped).

    Raises:
        HistoryError: when it cannot be opened.
    """
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as err:
        raise HistoryError(str(err)) from err


def _records(
    streams: list[TextIO],
    paths: list[Path],
    options: ReadOptions,
    zone: tzinfo,
    bad: BadRows,
) -> Iterator[Record]:
    """Yield the records of the files in their format."""
    match options.file_format:
        case FileFormat.FLUKSO:
            names = [path.name for path in paths]
            return read_flukso(zip(names, streams, strict=True), zone, bad)
        case FileFormat.BEMS:
            return read_bems(streams[0], zone, bad, value_column=options.value_column)
        case FileFormat.OCTOPUS:
            return read_octopus(streams[0], zone, bad)
        case FileFormat.CSV:
            if options.value_column is None:
                raise HistoryError("a CSV import needs value_column")
            return read_csv(
                streams[0],
                zone,
                bad,
                timestamp_column=options.timestamp_column,
                value_column=options.value_column,
            )
