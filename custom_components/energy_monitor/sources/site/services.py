"""The ``import_tariff`` action: tariffs from a file in the octopus_viz format."""

import json
from pathlib import Path
from typing import Any, cast

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import probatio as vol

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


def _error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated validation error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def _read_file(hass: HomeAssistant, name: str) -> Any:
    """Read a JSON tariff file (relative paths: in the configuration folder).

    Raises:
        ServiceValidationError: when the file is not allowed, missing or no JSON.
    """
    path = Path(hass.config.path(name))
    if not hass.config.is_allowed_path(str(path)):
        raise _error("path_not_allowed", path=name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise _error("file_unreadable", path=name, error=str(err)) from err
    except ValueError as err:
        raise _error("invalid_tariff", error=str(err)) from err


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
            _read_file, hass, call.data[ATTR_FILE]
        )
    elif ATTR_CONTENT in call.data:
        content = call.data[ATTR_CONTENT]
    else:
        raise _error("tariff_source_required")
    try:
        imported = parse_tariff_file(content)
        versions = merge_imported(
            site_tariffs(entry.options),
            imported,
            valid_from=call.data.get(ATTR_VALID_FROM),
            today=dt_util.now().date(),
        )
    except TariffError as err:
        raise _error("invalid_tariff", error=str(err)) from err
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
