"""Check the integration against hassfest's rules that apply to it.

hassfest (Home Assistant core's ``script/hassfest``) is not installable from
PyPI, so this mirrors the rules of its ``translations``, ``manifest``,
``requirements``, ``services`` and ``icons`` validators that matter here, plus
two of this project's own: every form field has a ``data_description``, and
every third-party module the code imports is a declared requirement (or
Home Assistant's own dependency). Prints one line per problem; exit code 1
when there is any.

Usage: ``script/check_hassfest.py [custom_components/<domain> folder]``
(default: ours); requirements.txt is read two folders up from it.
"""

import ast
from collections.abc import Iterator, Mapping
import importlib.metadata
import json
from pathlib import Path
import re
import string
import sys
from typing import Any

from annotatedyaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "custom_components/energy_monitor"

TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
SLUG = re.compile(r"^(?!_)(?!.*__)[a-z0-9_]+(?<!_)$")
KEY_RULES = {
    TRANSLATION_KEY: "[a-z0-9-_]+, no leading, trailing or double - and _",
    SLUG: "[a-z0-9_]+, no leading, trailing or double _",
}
HTML = re.compile(r"<[a-z].*?>", re.IGNORECASE)
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")
URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+!-]*$")
MDI = re.compile(r"^mdi:[a-z0-9-]+$")

STRINGS_KEYS = {
    "title", "config", "config_subentries", "options", "preview_features",
    "selector", "device_automation", "system_health", "config_panel",
    "application_credentials", "issues", "entity_component", "device",
    "entity", "exceptions", "services", "conditions", "triggers",
    "conversation", "common",
}  # fmt: skip
FLOW_KEYS = {
    "flow_title", "step", "error", "abort", "progress", "create_entry", "initiate_flow",
}  # fmt: skip
STEP_KEYS = {
    "title", "description", "data", "data_description", "menu_options",
    "menu_option_descriptions", "submit", "sections",
}  # fmt: skip
MANIFEST_KEYS = {
    "domain", "name", "after_dependencies", "bluetooth", "codeowners",
    "config_flow", "dependencies", "dhcp", "disabled", "documentation",
    "homekit", "import_executor", "integration_type", "iot_class",
    "issue_tracker", "loggers", "mqtt", "quality_scale", "requirements",
    "single_config_entry", "ssdp", "usb", "version", "zeroconf",
}  # fmt: skip
IOT_CLASSES = {
    "assumed_state", "calculated", "cloud_polling", "cloud_push",
    "local_polling", "local_push",
}  # fmt: skip
INTEGRATION_TYPES = {
    "device", "entity", "hardware", "helper", "hub", "service", "system",
}  # fmt: skip
ICONS_KEYS = {"config", "issues", "options", "services", "entity"}


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield every string leaf of a JSON tree with its dotted path."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    else:
        yield path, node


def value_problems(where: str, value: Any, *, placeholders: bool = True) -> list[str]:
    """Return why ``value`` is not a valid translation (hassfest's rules)."""
    if not isinstance(value, str):
        return [f"{where}: a translation must be a string"]
    problems = []
    if HTML.search(value):
        problems.append("contains HTML")
    if SINGLE_QUOTED_PLACEHOLDER.search(value):
        problems.append("has a placeholder inside single quotes")
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(value) if field]
    except ValueError as err:
        names = []
        problems.append(f"has a malformed placeholder ({err})")
    if names and not placeholders:
        problems.append("has a placeholder where none is allowed")
    problems += [
        f"placeholder {{{name}}} is not an identifier"
        for name in names
        if not name.isidentifier()
    ]
    if COMBINED_REFERENCE.search(value):
        problems.append("combines a reference with text")
    if value != value.strip():
        problems.append("has leading or trailing spaces")
    if URL.search(value):
        problems.append("contains a URL (use a description placeholder)")
    return [f"{where}: {problem}" for problem in problems]


def _key_problems(where: str, keys: Any, pattern: re.Pattern[str]) -> list[str]:
    """Return the keys of ``keys`` (a mapping) that do not match ``pattern``."""
    if not isinstance(keys, Mapping):
        return [f"{where}: must be an object"]
    return [
        f"{where}: invalid key '{key}' (needs {KEY_RULES[pattern]})"
        for key in keys
        if not pattern.match(key)
    ]


def _flow_problems(where: str, flow: Mapping[str, Any]) -> list[str]:
    """Check a config or options flow: known keys, every field described."""
    problems = [f"{where}: unknown key '{key}'" for key in flow if key not in FLOW_KEYS]
    for step_id, step in flow.get("step", {}).items():
        at = f"{where}.step.{step_id}"
        problems += [
            f"{at}: unknown key '{key}'" for key in step if key not in STEP_KEYS
        ]
        parts = [(at, step)] + [
            (f"{at}.sections.{name}", section)
            for name, section in step.get("sections", {}).items()
        ]
        for part_at, part in parts:
            data = part.get("data", {})
            described = part.get("data_description", {})
            problems += [
                f"{part_at}.data_description: '{key}' is not in data"
                for key in described
                if key not in data
            ]
            problems += [
                f"{part_at}.data_description: field '{key}' has no description"
                for key in data
                if key not in described
            ]
    return problems


def _entity_problems(entity: Mapping[str, Any]) -> list[str]:
    """Check entity translations: keys, states, attributes (no placeholders)."""
    problems = _key_problems("entity", entity, SLUG)
    for platform, keys in entity.items():
        problems += _key_problems(f"entity.{platform}", keys, TRANSLATION_KEY)
        for key, texts in keys.items():
            at = f"entity.{platform}.{key}"
            states = texts.get("state", {})
            problems += _key_problems(f"{at}.state", states, TRANSLATION_KEY)
            problems += [
                problem
                for state, text in states.items()
                for problem in value_problems(
                    f"{at}.state.{state}", text, placeholders=False
                )
            ]
            attributes = texts.get("state_attributes", {})
            problems += _key_problems(
                f"{at}.state_attributes", attributes, TRANSLATION_KEY
            )
            for name, attribute in attributes.items():
                problems += value_problems(
                    f"{at}.state_attributes.{name}.name",
                    attribute.get("name", ""),
                    placeholders=False,
                )
                problems += _key_problems(
                    f"{at}.state_attributes.{name}.state",
                    attribute.get("state", {}),
                    TRANSLATION_KEY,
                )
    return problems


def _service_text_problems(services: Mapping[str, Any]) -> list[str]:
    """Check action translations: keys, and a name and description for each."""
    problems = _key_problems("services", services, TRANSLATION_KEY)
    for name, service in services.items():
        items = [(f"services.{name}", service)] + [
            (f"services.{name}.fields.{field}", texts)
            for field, texts in service.get("fields", {}).items()
        ]
        problems += _key_problems(
            f"services.{name}.fields", service.get("fields", {}), TRANSLATION_KEY
        )
        problems += [
            f"{at}: needs a {part}"
            for at, texts in items
            for part in ("name", "description")
            if part not in texts
        ]
    return problems


def check_strings(strings: Mapping[str, Any], name: str) -> list[str]:
    """Return every hassfest problem of a strings.json-shaped translation file."""
    problems = [f"unknown key '{key}'" for key in strings if key not in STRINGS_KEYS]
    for where, value in _walk(strings, ""):
        problems += value_problems(where[1:], value)
    for flow in ("config", "options"):
        if flow in strings:
            problems += _flow_problems(flow, strings[flow])
    for selector, texts in strings.get("selector", {}).items():
        if selector != "_" and not SLUG.match(selector):
            problems.append(f"selector: invalid key '{selector}'")
        for part in ("options", "choices", "unit_of_measurement"):
            if part in texts:
                at = f"selector.{selector}.{part}"
                problems += _key_problems(at, texts[part], TRANSLATION_KEY)
    problems += _entity_problems(strings.get("entity", {}))
    problems += _key_problems("device", strings.get("device", {}), TRANSLATION_KEY)
    problems += _key_problems("exceptions", strings.get("exceptions", {}), SLUG)
    problems += _service_text_problems(strings.get("services", {}))
    for issue, texts in strings.get("issues", {}).items():
        if "title" not in texts or ("description" in texts) == ("fix_flow" in texts):
            problems.append(f"issues.{issue}: needs a title and a description")
    return [f"{name}: {problem}" for problem in problems]


def check_manifest(
    manifest: Mapping[str, Any], folder: str, requirements_txt: list[str]
) -> list[str]:
    """Return every problem of manifest.json (and requirements.txt against it)."""
    problems = [f"unknown key '{key}'" for key in manifest if key not in MANIFEST_KEYS]
    problems += [
        f"'{key}' is required" for key in ("domain", "name", "documentation",
        "codeowners", "iot_class", "version") if key not in manifest
    ]  # fmt: skip
    if manifest.get("domain") != folder:
        problems.append(f"domain '{manifest.get('domain')}' is not the folder name")
    keys = list(manifest)
    ordered = sorted(keys, key=lambda key: {"domain": "0", "name": "1"}.get(key, key))
    if keys != ordered:
        problems.append("keys are not sorted: domain, name, then alphabetical order")
    if manifest.get("iot_class") not in IOT_CLASSES:
        problems.append(f"iot_class '{manifest.get('iot_class')}' is not valid")
    if manifest.get("integration_type", "hub") not in INTEGRATION_TYPES:
        problems.append(f"integration_type '{manifest['integration_type']}' is invalid")
    loggers = manifest.get("loggers", [])
    if not isinstance(loggers, list) or not all(isinstance(x, str) for x in loggers):
        problems.append("loggers must be a list of module names")
    requirements = manifest.get("requirements", [])
    problems += [
        f'requirement "{req}" must be pinned as "<package>==<version>"'
        for req in requirements
        if not PINNED.match(req)
    ]
    if requirements_txt != requirements:
        problems.append("requirements.txt differs from the manifest's requirements")
    return [f"manifest.json: {problem}" for problem in problems]


def check_services(
    services: Mapping[str, Any], strings: Mapping[str, Any], icons: Mapping[str, Any]
) -> list[str]:
    """Return where services.yaml, strings.json and icons.json disagree."""
    texts = strings.get("services", {})
    icons_of = icons.get("services", {})
    problems = []
    for name in sorted(set(services) | set(texts) | set(icons_of)):
        missing = [
            file
            for file, names in (
                ("services.yaml", services),
                ("strings.json", texts),
                ("icons.json", icons_of),
            )
            if name not in names
        ]
        if missing:
            problems.append(f"action '{name}' is missing in {', '.join(missing)}")
            continue
        fields = set((services[name] or {}).get("fields", {}))
        translated = set(texts[name].get("fields", {}))
        problems += [
            f"services.yaml: field '{name}.{field}' has no translation"
            for field in sorted(fields - translated)
        ]
        problems += [
            f"strings.json: field '{name}.{field}' is not in services.yaml"
            for field in sorted(translated - fields)
        ]
    return problems


def _icon_problems(where: str, icon: Any) -> list[str]:
    """Return why ``icon`` is not a Material Design Icon name."""
    if isinstance(icon, str) and MDI.match(icon):
        return []
    return [f"{where}: '{icon}' is not an mdi: icon"]


def check_icons(icons: Mapping[str, Any]) -> list[str]:
    """Return every problem of icons.json (hassfest's icon schema)."""
    problems = [f"unknown key '{key}'" for key in icons if key not in ICONS_KEYS]
    entity = icons.get("entity", {})
    problems += _key_problems("entity", entity, SLUG)
    for platform, keys in entity.items():
        problems += _key_problems(f"entity.{platform}", keys, TRANSLATION_KEY)
        for key, spec in keys.items():
            at = f"entity.{platform}.{key}"
            problems += [f"{at}: unknown key '{k}'" for k in spec if k not in
                         ("default", "state", "range", "state_attributes")]  # fmt: skip
            if "default" in spec:
                problems += _icon_problems(f"{at}.default", spec["default"])
            for part in ("state", "range"):
                problems += [
                    problem
                    for value, icon in spec.get(part, {}).items()
                    for problem in _icon_problems(f"{at}.{part}.{value}", icon)
                ]
            problems += _key_problems(
                f"{at}.state", spec.get("state", {}), TRANSLATION_KEY
            )
    services = icons.get("services", {})
    problems += _key_problems("services", services, TRANSLATION_KEY)
    for name, spec in services.items():
        icon = spec.get("service") if isinstance(spec, Mapping) else spec
        problems += _icon_problems(f"services.{name}", icon)
    return [f"icons.json: {problem}" for problem in problems]


def _third_party_imports(package: Path) -> dict[str, str]:
    """Return the top-level modules the package imports, with a file of each."""
    found: dict[str, str] = {}
    for file in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names:
                    found.setdefault(top, str(file.relative_to(package)))
    return found


def _normalise(name: str) -> str:
    """Return a distribution name in its canonical form (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_imports(package: Path, requirements: list[str]) -> list[str]:
    """Return the imported third-party modules that no requirement provides."""
    declared = {_normalise(req.partition("==")[0]) for req in requirements}
    core = {
        _normalise(re.split(r"[=<>!~;\[ ]", req, maxsplit=1)[0])
        for req in importlib.metadata.requires("homeassistant") or []
    }
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for module, file in sorted(_third_party_imports(package).items()):
        if module == "homeassistant":
            continue
        owners = {_normalise(dist) for dist in distributions.get(module, [module])}
        if not owners & (declared | core):
            problems.append(
                f"{file} imports '{module}' but manifest.json does not require it"
            )
    return problems


def _requirement_lines(path: Path) -> list[str]:
    """Return the requirement lines of a requirements file (no comments)."""
    lines = (line.partition("#")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def check_integration(package: Path, requirements_txt: Path) -> list[str]:
    """Return every problem of the integration in ``package``."""

    def load(name: str) -> Any:
        return json.loads((package / name).read_text(encoding="utf-8"))

    strings = load("strings.json")
    icons = load("icons.json")
    manifest = load("manifest.json")
    services: Any = load_yaml(package / "services.yaml") or {}
    problems = check_strings(strings, "strings.json")
    english = package / "translations/en.json"
    if english.is_file():
        problems += check_strings(load("translations/en.json"), "translations/en.json")
    problems += check_manifest(
        manifest, package.name, _requirement_lines(requirements_txt)
    )
    problems += check_services(services, strings, icons)
    problems += check_icons(icons)
    problems += check_imports(package, manifest.get("requirements", []))
    return problems


def main(argv: list[str]) -> int:
    """Check the integration (or the folder in ``argv``); print its problems."""
    package = Path(argv[1]) if len(argv) > 1 else PACKAGE
    problems = check_integration(package, package.parents[1] / "requirements.txt")
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
