"""The bundled register maps and custom maps, loaded and validated.

Bundled maps are ``maps/<model>.json`` next to this module; their file name
is the ``meter_model`` stored in a config entry (``eastron_sdm630``, ...).
Custom maps are CSV files a user puts in a folder of the Home Assistant
configuration; their file name (``my_meter.csv``) is stored instead.

These functions read files: call them from an executor, not an event loop.
"""

from functools import cache
import json
from pathlib import Path
import re

from .schema import MapError, MapProblem, RegisterMap, parse_csv, parse_map
from .validate import validate_map

MAPS_DIR = Path(__file__).parent / "maps"
CUSTOM_SUFFIX = ".csv"


def _normalize(name: str) -> str:
    """Return a name reduced to lower-case letters and digits."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def product_name(register_map: RegisterMap) -> str:
    """Return a meter's make and product, or a custom map's file name."""
    if register_map.product:
        return f"{register_map.manufacturer} {register_map.product}"
    return Path(register_map.model).stem


def bundled_models() -> tuple[str, ...]:
    """Return the names of the bundled maps, sorted."""
    return tuple(sorted(path.stem for path in MAPS_DIR.glob("*.json")))


@cache
def _aliases() -> dict[str, str]:
    """Return every accepted spelling (normalized) -> bundled model name."""
    names: dict[str, str] = {}
    for model in bundled_models():
        names[_normalize(model)] = model
        for alias in load_bundled_map(model).aliases:
            names.setdefault(_normalize(alias), model)
    return names


def resolve_model(name: str) -> str | None:
    """Return the bundled model a name means (case and spelling variants ok).

    ``Eastron SDM630``, ``sdm630`` and ``eastron-sdm630`` all give
    ``eastron_sdm630``; None when no bundled map matches.
    """
    return _aliases().get(_normalize(name))


def is_custom(meter_model: str) -> bool:
    """Tell whether a ``meter_model`` names a custom CSV map."""
    return meter_model.lower().endswith(CUSTOM_SUFFIX)


@cache
def load_bundled_map(model: str) -> RegisterMap:
    """Load and validate a bundled map by its exact model name.

    Raises:
        MapError: when the map is unusable (a test keeps this from happening).
        FileNotFoundError: when there is no such bundled map.
    """
    path = MAPS_DIR / f"{model}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    return _checked(*parse_map(document, model))


def load_custom_map(path: Path) -> RegisterMap:
    """Load and validate a custom CSV map.

    Raises:
        MapError: listing every problem of the map.
        OSError: when the file cannot be read.
    """
    text = path.read_text(encoding="utf-8-sig")
    return _checked(*parse_csv(text, path.name))


def _checked(register_map: RegisterMap, problems: list[MapProblem]) -> RegisterMap:
    """Return the map when it has no problems at all.

    Raises:
        MapError: otherwise.
    """
    found = [*problems, *validate_map(register_map)]
    if found:
        raise MapError(register_map.model, found)
    return register_map


def load_map(meter_model: str, custom_dir: Path | None = None) -> RegisterMap:
    """Load the map an entry names: a bundled model or a custom file name.

    Raises:
        MapError: when the map is unusable or unknown.
        OSError: when a custom file cannot be read.
    """
    if is_custom(meter_model) and custom_dir is not None:
        return load_custom_map(custom_dir / Path(meter_model).name)
    model = resolve_model(meter_model)
    if model is None:
        known = ", ".join(bundled_models())
        raise MapError(
            meter_model,
            [MapProblem("unknown_model", f"no bundled map {meter_model!r} ({known})")],
        )
    return load_bundled_map(model)


def custom_map_files(custom_dir: Path) -> list[str]:
    """Return the CSV file names in the custom-map folder, sorted."""
    if not custom_dir.is_dir():
        return []
    return sorted(
        path.name
        for path in custom_dir.iterdir()
        if path.is_file() and path.suffix.lower() == CUSTOM_SUFFIX
    )
