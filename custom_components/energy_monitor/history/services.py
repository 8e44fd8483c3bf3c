"""The ``import_history`` action: a file's history into long-term statistics.

The file is read in an executor (``lib/history``), with a persistent
notification showing how far it got; the hours are fitted to what the
statistic already has (``plan``), then written unless ``dry_run``.
"""

from functools import partial
from pathlib import Path
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.const import CONF_NAME, CONF_UNIT_OF_MEASUREMENT
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import probatio as vol

from ..actions import action_error
from ..const import DOMAIN
from ..lib.history.formats import FileFormat
from ..lib.history.hourly import HourlySeries
from ..lib.history.model import (
    MAX_EXAMPLES,
    UNIT_FACTORS,
    Direction,
    HistoryError,
    ValueKind,
)
from ..lib.history.plan import Overlap, OverlapError, Plan, plan_import
from ..lib.history.reader import ReadOptions, read_history
from .statistics import (
    async_metadata,
    async_recorded,
    async_write,
    convertible,
    external_id,
    new_metadata,
)

SERVICE_IMPORT_HISTORY = "import_history"
ATTR_FILE = "file"
ATTR_FORMAT = "format"
ATTR_STATISTIC_ID = "statistic_id"
ATTR_VALUE_KIND = "value_kind"
ATTR_DIRECTION = "direction"
ATTR_TIMESTAMP_COLUMN = "timestamp_column"
ATTR_VALUE_COLUMN = "value_column"
ATTR_TIME_ZONE = "time_zone"
ATTR_OVERLAP = "overlap"
ATTR_DRY_RUN = "dry_run"
NOTIFICATION_ID = f"{DOMAIN}_import_history"
PROGRESS_EVERY = 50_000
"""Rows between two progress updates of the notification."""

IMPORT_HISTORY_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_FILE): cv.string,
        vol.Required(ATTR_FORMAT): vol.Coerce(FileFormat),
        vol.Exclusive(ATTR_STATISTIC_ID, "target"): cv.entity_id,
        vol.Exclusive(CONF_NAME, "target"): vol.All(cv.string, cv.slug),
        vol.Optional(ATTR_VALUE_KIND): vol.Coerce(ValueKind),
        vol.Optional(CONF_UNIT_OF_MEASUREMENT): vol.In(list(UNIT_FACTORS)),
        vol.Optional(ATTR_DIRECTION, default=Direction.IMPORT): vol.Coerce(Direction),
        vol.Optional(ATTR_TIMESTAMP_COLUMN, default="timestamp"): cv.string,
        vol.Optional(ATTR_VALUE_COLUMN): cv.string,
        vol.Optional(ATTR_TIME_ZONE): cv.time_zone,
        vol.Optional(ATTR_OVERLAP, default=Overlap.TRIM): vol.Coerce(Overlap),
        vol.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
    }
)


def _paths(hass: HomeAssistant, name: str) -> list[Path]:
    """Return the allowed files ``name`` means (a pattern may match several).

    Raises:
        ServiceValidationError: for a path outside the allowed folders, or no file.
    """
    full = Path(hass.config.path(name))
    if not hass.config.is_allowed_path(str(full.parent)):
        raise action_error("path_not_allowed", path=name)
    paths = sorted(full.parent.glob(full.name)) if "*" in full.name else [full]
    if not paths or not all(path.is_file() for path in paths):
        raise action_error("file_unreadable", path=name, error="no such file")
    for path in paths:
        if not hass.config.is_allowed_path(str(path)):
            raise action_error("path_not_allowed", path=name)
    return paths


def _notify(hass: HomeAssistant, message: str) -> None:
    """Show (or update) the import's persistent notification."""
    persistent_notification.async_create(
        hass,
        message,
        title="Energy Monitor: history import",
        notification_id=NOTIFICATION_ID,
    )


async def _async_read(
    hass: HomeAssistant, call: ServiceCall, paths: list[Path]
) -> HourlySeries:
    """Read the files in an executor, reporting progress.

    Raises:
        ServiceValidationError: for a file that cannot be imported.
    """
    data = call.data
    options = ReadOptions(
        file_format=data[ATTR_FORMAT],
        kind=data.get(ATTR_VALUE_KIND),
        unit=data.get(CONF_UNIT_OF_MEASUREMENT),
        direction=data[ATTR_DIRECTION],
        timestamp_column=data[ATTR_TIMESTAMP_COLUMN],
        value_column=data.get(ATTR_VALUE_COLUMN),
    )
    zone = dt_util.get_time_zone(data.get(ATTR_TIME_ZONE) or hass.config.time_zone)
    name = data[ATTR_FILE]

    def progress(rows: int) -> None:
        if rows % PROGRESS_EVERY == 0:
            hass.loop.call_soon_threadsafe(
                _notify, hass, f"Reading {name}: {rows:,} rows so far."
            )

    _notify(hass, f"Reading {name}.")
    try:
        return await hass.async_add_executor_job(
            partial(read_history, paths, options, zone or dt_util.UTC, progress)
        )
    except HistoryError as err:
        _notify(hass, f"Could not import {name}: {err}")
        raise action_error("history_invalid", path=name, error=str(err)) from err


async def _async_import_history(call: ServiceCall) -> ServiceResponse:
    """Import a file's history into a statistic; return the summary."""
    hass = call.hass
    if "recorder" not in hass.config.components:
        raise action_error("recorder_not_running")
    data = call.data
    entity_id: str | None = data.get(ATTR_STATISTIC_ID)
    if entity_id is None and CONF_NAME not in data:
        raise action_error("history_target_required")
    paths = await hass.async_add_executor_job(_paths, hass, data[ATTR_FILE])
    series = await _async_read(hass, call, paths)
    statistic_id = entity_id or external_id(data[CONF_NAME])
    metadata = await async_metadata(hass, statistic_id)
    recorded = await async_recorded(hass, statistic_id) if metadata else None
    if entity_id is not None and (
        metadata is None or recorded is None or not metadata["has_sum"]
    ):
        raise action_error("history_no_statistics", entity_id=entity_id)
    if metadata is None:
        metadata = new_metadata(data[CONF_NAME], series.unit)
    if not convertible(series.unit, metadata):
        raise action_error(
            "history_unit_mismatch",
            statistic_id=statistic_id,
            unit=series.unit,
            statistic_unit=str(metadata["unit_of_measurement"]),
        )
    try:
        plan = plan_import(
            series.sorted_hours(),
            recorded,
            data[ATTR_OVERLAP],
            append=entity_id is None,
        )
    except OverlapError as err:
        raise action_error(
            "history_overlap",
            hours=str(err.hours),
            first=err.first.isoformat(),
            last=err.last.isoformat(),
        ) from err
    if not data[ATTR_DRY_RUN] and plan.rows:
        await async_write(hass, metadata, plan, series.unit)
    summary = _summary(statistic_id, series, plan, dry_run=data[ATTR_DRY_RUN])
    _notify(
        hass,
        f"{data[ATTR_FILE]}: {summary['rows']:,} rows, "
        f"{len(plan.rows)} hours {'to write' if data[ATTR_DRY_RUN] else 'written'} "
        f"({summary['total']} {series.unit}) into {statistic_id}; "
        f"{plan.trimmed} hours already recorded, {series.bad.count} bad rows.",
    )
    return summary


def _summary(
    statistic_id: str, series: HourlySeries, plan: Plan, *, dry_run: bool
) -> dict[str, Any]:
    """Return the action's response."""
    return {
        "statistic_id": statistic_id,
        "dry_run": dry_run,
        "rows": series.rows,
        "bad_rows": series.bad.count,
        "bad_row_examples": series.bad.examples[:MAX_EXAMPLES],
        "empty_rows": series.bad.empty,
        "hours": len(plan.rows),
        "trimmed_hours": plan.trimmed,
        "first_hour": plan.rows[0].start.isoformat() if plan.rows else None,
        "last_hour": plan.rows[-1].start.isoformat() if plan.rows else None,
        "total": round(plan.total, 3),
        "unit": series.unit,
    }


@callback
def async_setup_history_services(hass: HomeAssistant) -> None:
    """Register the ``import_history`` action."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
