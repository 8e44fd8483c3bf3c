"""script/check_hassfest.py: passes on the integration, reports each broken rule."""

from collections.abc import Callable
import importlib.util
import json
from pathlib import Path
import shutil
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "script/check_hassfest.py"


def _load_checker() -> ModuleType:
    """Import the script (it is not a package module)."""
    spec = importlib.util.spec_from_file_location("check_hassfest", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = _load_checker()

type Edit = Callable[[Path], None]


def _edit_json(name: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    """Return an edit that changes one JSON file of the copied integration."""

    def edit(package: Path) -> None:
        path = package / name
        content = json.loads(path.read_text(encoding="utf-8"))
        change(content)
        path.write_text(json.dumps(content), encoding="utf-8")

    return edit


def _uppercase_option(strings: dict[str, Any]) -> None:
    strings["selector"]["modbus_parity"]["options"]["E"] = "Even"


def _undescribed_field(strings: dict[str, Any]) -> None:
    del strings["options"]["step"]["site_price_fixed"]["data_description"]


def _description_without_field(strings: dict[str, Any]) -> None:
    strings["config"]["step"]["p1_network"]["data_description"]["nothing"] = "No."


def _url_in_text(strings: dict[str, Any]) -> None:
    strings["config"]["abort"]["wrong_meter"] = "See https://example.com/help"


def _placeholder_in_state(strings: dict[str, Any]) -> None:
    platform = next(iter(strings["entity"].values()))
    platform["with_states"] = {"state": {"on": "On at {time}"}}


def _unsorted_manifest(manifest: dict[str, Any]) -> None:
    manifest["aaa"] = manifest.pop("name")


def _unpinned_requirement(manifest: dict[str, Any]) -> None:
    manifest["requirements"] = [*manifest["requirements"], "serialx>=1.11"]


def _bad_iot_class(manifest: dict[str, Any]) -> None:
    manifest["iot_class"] = "local_magic"


def _undeclared_import(manifest: dict[str, Any]) -> None:
    manifest["requirements"] = [
        req for req in manifest["requirements"] if not req.startswith("serialx")
    ]


def _action_without_icon(icons: dict[str, Any]) -> None:
    del icons["services"]["boost"]


def _bad_icon(icons: dict[str, Any]) -> None:
    platform = next(iter(icons["entity"].values()))
    next(iter(platform.values()))["default"] = "transmission-tower"


def _field_not_translated(package: Path) -> None:
    path = package / "services.yaml"
    field = "    extra:\n      selector:\n        text:\n"
    path.write_text(path.read_text(encoding="utf-8") + field, encoding="utf-8")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """Copy the integration and its requirements.txt into a scratch tree."""
    copy = tmp_path / "custom_components/energy_monitor"
    shutil.copytree(
        ROOT / "custom_components/energy_monitor",
        copy,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    return copy


def test_the_integration_passes(capsys: pytest.CaptureFixture[str]) -> None:
    """Today's files follow every rule: exit code 0, nothing printed."""
    assert checker.main(["check_hassfest.py"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _edit_json("strings.json", _uppercase_option),
            "strings.json: selector.modbus_parity.options: invalid key 'E'",
        ),
        (
            _edit_json("translations/en.json", _uppercase_option),
            "translations/en.json: selector.modbus_parity.options: invalid key 'E'",
        ),
        (
            _edit_json("strings.json", _undescribed_field),
            "site_price_fixed.data_description: field 'rate' has no description",
        ),
        (
            _edit_json("strings.json", _description_without_field),
            "p1_network.data_description: 'nothing' is not in data",
        ),
        (
            _edit_json("strings.json", _url_in_text),
            "config.abort.wrong_meter: contains a URL",
        ),
        (
            _edit_json("strings.json", _placeholder_in_state),
            "with_states.state.on: has a placeholder where none is allowed",
        ),
        (
            _edit_json("manifest.json", _unsorted_manifest),
            "manifest.json: keys are not sorted: domain, name, then alphabetical",
        ),
        (
            _edit_json("manifest.json", _unpinned_requirement),
            'requirement "serialx>=1.11" must be pinned',
        ),
        (
            _edit_json("manifest.json", _unpinned_requirement),
            "requirements.txt differs from the manifest's requirements",
        ),
        (
            _edit_json("manifest.json", _bad_iot_class),
            "iot_class 'local_magic' is not valid",
        ),
        (
            _edit_json("manifest.json", _undeclared_import),
            "lib/p1/reader.py imports 'serialx' but manifest.json does not require",
        ),
        (
            _edit_json("icons.json", _action_without_icon),
            "action 'boost' is missing in icons.json",
        ),
        (
            _edit_json("icons.json", _bad_icon),
            "'transmission-tower' is not an mdi: icon",
        ),
        (
            _field_not_translated,
            "services.yaml: field 'import_tariff.extra' has no translation",
        ),
    ],
)
def test_a_broken_rule_is_reported(
    package: Path, capsys: pytest.CaptureFixture[str], edit: Edit, message: str
) -> None:
    """Each broken rule fails the check with a line saying what and where."""
    edit(package)
    assert checker.main(["check_hassfest.py", str(package)]) == 1
    assert message in capsys.readouterr().err
