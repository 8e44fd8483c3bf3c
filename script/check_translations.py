"""Check that translations/en.json is an exact copy of strings.json.

Home Assistant loads translations/en.json for a custom integration, while
strings.json is the file developers edit. Run with --write to copy it over.
"""

import json
from pathlib import Path
import sys

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components/energy_monitor"


def main() -> int:
    """Compare (or with --write, synchronise) the two translation files."""
    strings = json.loads((PACKAGE / "strings.json").read_text(encoding="utf-8"))
    english = PACKAGE / "translations/en.json"
    if "--write" in sys.argv:
        english.write_text(
            json.dumps(strings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return 0
    if json.loads(english.read_text(encoding="utf-8")) != strings:
        sys.stderr.write(
            "translations/en.json differs from strings.json: "
            "run .venv/bin/python script/check_translations.py --write\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
