"""``python -m e2e --url URL --artifacts DIR``: run the browser end-to-end test."""

import argparse
from pathlib import Path
import sys

from .driver import E2EError, run


def main() -> int:
    """Parse the arguments, run the test and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="Home Assistant's base URL")
    parser.add_argument("--artifacts", type=Path, required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--only", action="append", default=[], help="walk only these sources"
    )
    args = parser.parse_args()
    try:
        run(args.url, args.artifacts, args.chromium, only=frozenset(args.only))
    except E2EError as err:
        print(f"e2e: FAILED: {err}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
