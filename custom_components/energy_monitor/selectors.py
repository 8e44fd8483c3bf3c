"""Form fields that the setup wizards of several sources share."""

from typing import Literal

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)


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
