"""The ``import_octopus_cache`` action: octopus_viz's consumption cache into statistics.

octopus_viz caches consumption as JSON lines ``{"consumption", "unit",
"interval_start", "interval_end"}`` (its debug files add ``mpan``,
``serial`` and ``direction``) in files named
``<serial>_<mpan>_<start>_<end>``. The lines go into the same statistics as
the account's own history, priced by the account's rates; importing a file
again changes nothing.
"""

import json
from pathlib import Path
from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import probatio as vol

from ...actions import action_error, read_allowed_file
from ...const import DOMAIN
from ...lib.octopus.client import OctopusError
from ...lib.octopus.model import Flow, Interval, MeterPoint
from ...lib.octopus.parser import parse_intervals
from ...spec import SourceSpec, source_entry
from .history import async_import_intervals, gas_in_m3
from .runtime import OctopusConfigEntry, OctopusRuntime

SERVICE_IMPORT_OCTOPUS_CACHE = "import_octopus_cache"
ATTR_FILE = "file"
ATTR_CONTENT = "content"
ATTR_METER_POINT = "meter_point"

UNIT_FLOWS: dict[str, Flow] = {
    "electricity_importing_kwh": Flow.IMPORT,
    "electricity_exporting_kwh": Flow.EXPORT,
    "gas_importing_kwh": Flow.GAS,
    "gas_importing_m3": Flow.GAS,
}
"""octopus_viz's units and the flow they meter."""

IMPORT_OCTOPUS_CACHE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Exclusive(ATTR_FILE, "cache_source"): cv.string,
        vol.Exclusive(ATTR_CONTENT, "cache_source"): cv.string,
        vol.Optional(ATTR_METER_POINT): cv.string,
    }
)


def parse_cache(text: str) -> tuple[list[dict[str, Any]], set[str]]:
    """Return a cache's lines and the units they name.

    Raises:
        ServiceValidationError: when a line is not a JSON object.
    """
    lines: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as err:
            raise action_error("invalid_cache", error=f"line {number}: {err}") from err
        if not isinstance(row, dict):
            raise action_error("invalid_cache", error=f"line {number}: not an object")
        lines.append(row)
    return lines, {str(row.get("unit")) for row in lines if "unit" in row}


def _meter_point(
    points: tuple[MeterPoint, ...],
    lines: list[dict[str, Any]],
    given: str | None,
    file_name: str | None,
) -> MeterPoint:
    """Find the meter point the cache belongs to.

    It is the one named by the action, else by the lines' ``mpan``, else by
    the file name (``<serial>_<mpan>_...``).

    Raises:
        ServiceValidationError: when none of the account's meter points fits.
    """
    candidates = [given] if given else []
    candidates += [str(row["mpan"]) for row in lines[:1] if "mpan" in row]
    if file_name:
        parts = Path(file_name).name.split("_")
        candidates += parts[1:2]
    for candidate in candidates:
        for point in points:
            if point.identifier == candidate.strip():
                return point
    raise action_error("unknown_meter_point", meter_point=", ".join(candidates) or "-")


async def _async_import_cache(
    call: ServiceCall, spec: SourceSpec[OctopusRuntime]
) -> ServiceResponse:
    """Import an octopus_viz cache into the account's statistics."""
    hass = call.hass
    entry: OctopusConfigEntry = source_entry(
        hass,
        call.data[ATTR_CONFIG_ENTRY_ID],
        spec,
        not_found="not_an_octopus_account",
        not_loaded="octopus_not_loaded",
    )
    file_name: str | None = call.data.get(ATTR_FILE)
    if file_name is not None:
        text = await hass.async_add_executor_job(read_allowed_file, hass, file_name)
    elif ATTR_CONTENT in call.data:
        text = call.data[ATTR_CONTENT]
    else:
        raise action_error("cache_source_required")
    lines, units = parse_cache(text)
    runtime = entry.runtime_data
    point = _meter_point(
        runtime.rates.data.account.meter_points,
        lines,
        call.data.get(ATTR_METER_POINT),
        file_name,
    )
    flows = {UNIT_FLOWS.get(unit) for unit in units}
    if len(units) > 1 or not flows <= {point.flow}:
        raise action_error(
            "cache_unit_mismatch",
            units=", ".join(sorted(units)),
            meter_point=f"{point.identifier} ({point.flow})",
        )
    try:
        intervals: list[Interval] = parse_intervals(lines)
    except (KeyError, TypeError, ValueError) as err:
        raise action_error("invalid_cache", error=repr(err)) from err
    try:
        imported = await async_import_intervals(
            hass,
            runtime.rates.client,
            point,
            intervals,
            gas_m3=gas_in_m3(entry.data) if not units else "gas_importing_m3" in units,
            zone=dt_util.get_default_time_zone(),
        )
    except OctopusError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="octopus_rates_unavailable",
            translation_placeholders={"error": str(err)},
        ) from err
    return {
        "meter_point": point.identifier,
        "flow": str(point.flow),
        "intervals": imported.intervals,
        "hours_written": imported.hours_written,
    }


@callback
def async_setup_octopus_services(
    hass: HomeAssistant, spec: SourceSpec[OctopusRuntime]
) -> None:
    """Register the Octopus actions."""

    async def import_octopus_cache(call: ServiceCall) -> ServiceResponse:
        return await _async_import_cache(call, spec)

    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_OCTOPUS_CACHE,
        import_octopus_cache,
        schema=IMPORT_OCTOPUS_CACHE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
