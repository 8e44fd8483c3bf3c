"""The HA-free package must stay free of Home Assistant."""

import ast
from pathlib import Path

LIBRARY = Path(__file__).parents[2] / "custom_components" / "energy_monitor" / "lib"


def test_no_home_assistant_imports() -> None:
    """No module under lib/ imports homeassistant (or the integration's glue)."""
    offenders = []
    for path in LIBRARY.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
                if node.level > 0 and not _inside_library(path, node):
                    offenders.append(f"{path.name}: relative import out of lib")
            else:
                continue
            offenders += [
                f"{path.name}: {name}"
                for name in names
                if name.startswith("homeassistant")
            ]
    assert offenders == []


def _inside_library(path: Path, node: ast.ImportFrom) -> bool:
    """Tell whether a relative import stays inside lib/."""
    target = path.parent
    for _ in range(node.level - 1):
        target = target.parent
    return target == LIBRARY or LIBRARY in target.parents
