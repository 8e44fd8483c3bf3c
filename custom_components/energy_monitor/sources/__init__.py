"""The sources Energy Monitor can read, one subpackage each.

Every subpackage exports its :class:`~..spec.SourceSpec` as ``SPEC``; they are
found here by listing the package, so no list of sources is written by hand.
"""

from collections.abc import Iterable
import importlib
import pkgutil
from typing import Any

from ..const import CONF_SOURCE
from ..coordinator import EnergyMonitorConfigEntry
from ..spec import SourceSpec


def discover_specs(package: str, path: Iterable[str]) -> tuple[SourceSpec[Any], ...]:
    """Return the specs of the subpackages of ``package`` (found in ``path``).

    The specs come in menu order.

    Raises:
        TypeError: when a subpackage exports no ``SPEC`` or not a SourceSpec.
        ValueError: when two specs share a source or a menu position.
    """
    specs: list[SourceSpec[Any]] = []
    for found in pkgutil.iter_modules(path):
        if not found.ispkg:
            continue
        module = importlib.import_module(f"{package}.{found.name}")
        spec = getattr(module, "SPEC", None)
        if not isinstance(spec, SourceSpec):
            raise TypeError(f"{module.__name__}.SPEC is not a SourceSpec")
        specs.append(spec)
    for field in ("source", "menu_position"):
        values = [getattr(spec, field) for spec in specs]
        if len(set(values)) != len(values):
            raise ValueError(f"Two sources share a {field}: {sorted(values)}")
    return tuple(sorted(specs, key=lambda spec: spec.menu_position))


SPECS: tuple[SourceSpec[Any], ...] = discover_specs(__name__, __path__)
"""Every source, in the wizard's menu order."""


def spec_of(entry: EnergyMonitorConfigEntry) -> SourceSpec[Any]:
    """Return the spec of an entry's source.

    Raises:
        KeyError: when no source has the entry's ``source``.
    """
    return {spec.source: spec for spec in SPECS}[entry.data[CONF_SOURCE]]
