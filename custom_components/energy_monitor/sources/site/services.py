"""The ``import_tariff`` action: tariffs from a file in the octopus_viz format."""

import json
from typing import Any, cast

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import probatio as vol

from ...actions import action_error, read_allowed_file
from ...const import DOMAIN, LOGGER
from ...lib.site.tariff import (
    TariffError,
    dump_tariffs,
    merge_imported,
    parse_tariff_file,
)
from ...spec import SourceSpec, source_entry
from .const import CONF_TARIFFS
from .inputs import site_tariffs
from .runtime import SiteConfigEntry, SiteRuntime

SERVICE_IMPORT_TARIFF = "import_tariff"
ATTR_FILE = "file"
ATTR_CONTENT = "content"
ATTR_VALID_FROM = "valid_from"

IMPORT_TARIFF_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Exclusive(ATTR_FILE, "tariff_source"): cv.string,
        vol.Exclusive(ATTR_CONTENT, "tariff_source"): dict,
        vol.Optional(ATTR_VALID_FROM): cv.date,
    }
)


def _read_tariff_file(hass: HomeAssistant, name: str) -> Any:
    """Read a JSON tariff file (relative paths: in the configuration folder).

    Raises:
        ServiceValidationError: when the file is not allowed, missing or no JSON.
    """
    text = read_allowed_file(hass, name)
    try:
        return json.loads(text)
    except ValueError as err:
        raise action_error("invalid_tariff", error=str(err)) from err


async def _async_import_tariff(
    call: ServiceCall, spec: SourceSpec[SiteRuntime]
) -> ServiceResponse:
    """Merge the tariffs of a file into a site's tariff versions.

    A site that is not loaded (its stored tariffs are invalid) takes them too.
    """
    hass = call.hass
    entry: SiteConfigEntry = source_entry(
        hass, call.data[ATTR_CONFIG_ENTRY_ID], spec, not_found="not_a_site"
    )
    if ATTR_FILE in call.data:
        content = await hass.async_add_executor_job(
            _read_tariff_file, hass, call.data[ATTR_FILE]
        )
    elif ATTR_CONTENT in call.data:
        content = call.data[ATTR_CONTENT]
    else:
        raise action_error("tariff_source_required")
    try:
        imported = parse_tariff_file(content)
        versions = merge_imported(
            site_tariffs(entry.options),
            imported,
            valid_from=call.data.get(ATTR_VALID_FROM),
            today=dt_util.now().date(),
        )
    except TariffError as err:
        raise action_error("invalid_tariff", error=str(err)) from err
    currency = hass.config.currency
    for tariff in imported:
        if tariff.currency not in (None, currency):
            LOGGER.warning(
                "Tariff %s is in %s, Home Assistant in %s; its rates are used as %s",
                tariff.name,
                tariff.currency,
                currency,
                currency,
            )
    stored = dump_tariffs(versions)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_TARIFFS: stored}
    )
    hass.config_entries.async_schedule_reload(entry.entry_id)
    return {
        "imported": [tariff.name for tariff in imported],
        "tariffs": cast("JsonValueType", stored),
    }


@callback
def async_setup_site_services(
    hass: HomeAssistant, spec: SourceSpec[SiteRuntime]
) -> None:
    """Register the energy site's actions."""

    async def import_tariff(call: ServiceCall) -> ServiceResponse:
        return await _async_import_tariff(call, spec)

    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_TARIFF,
        import_tariff,
        schema=IMPORT_TARIFF_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
