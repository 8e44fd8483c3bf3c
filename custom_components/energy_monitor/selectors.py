"""Form fields that the setup wizards of several sources share."""

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from .entity import GridMeter

CONF_METER = "meter"


def number_box(
    unit: str | None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    step: float | Literal["any"] = "any",
) -> NumberSelector:
    """Return a number typed into a box (not a slider), in ``unit``."""
    config = NumberSelectorConfig(mode=NumberSelectorMode.BOX, step=step)
    if unit is not None:
        config["unit_of_measurement"] = unit
    if minimum is not None:
        config["min"] = minimum
    if maximum is not None:
        config["max"] = maximum
    return NumberSelector(config)


class CodedSelect:
    """A translated dropdown whose options stand for codes stored in entries.

    Home Assistant allows only lowercase ``[a-z0-9-_]`` option keys (they are
    translation keys), while entries keep the codes they always stored
    (``"E"``, ``"5B"``). The form shows and returns the option keys; the flow
    stores the codes, and suggests an entry's stored code as its option.
    """

    def __init__(self, translation_key: str, codes: Mapping[str, str]) -> None:
        """Offer ``codes`` (option key -> stored code) under ``translation_key``."""
        self._codes = dict(codes)
        self._options = {code: option for option, code in codes.items()}
        self.selector = SelectSelector(
            SelectSelectorConfig(
                options=list(codes),
                mode=SelectSelectorMode.DROPDOWN,
                translation_key=translation_key,
            )
        )

    def option(self, code: str) -> str:
        """Return the option key that stands for the stored ``code``."""
        return self._options[code]

    def stored(self, values: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Return form ``values`` with the option under ``key`` as its code."""
        return {**values, key: self._codes[values[key]]}

    def suggested(self, values: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Return stored ``values`` with the code under ``key`` as its option."""
        if key not in values:
            return dict(values)
        return {**values, key: self._options[values[key]]}


def grid_meter_schema(meters: Sequence[GridMeter]) -> vol.Schema:
    """Return the form asking which grid meter fills in a wizard's entities."""
    return vol.Schema(
        {
            vol.Required(CONF_METER, default=meters[0].meter_id): SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=meter.meter_id, label=meter.name)
                        for meter in meters
                    ],
                    mode=SelectSelectorMode.LIST,
                )
            )
        }
    )
