"""Run every simulator of the development instance until interrupted.

``python -m simulators`` (``script/develop`` does this for you).
"""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from .dev import HOST
from .devices import DEV_SETUPS

_ZONE = ZoneInfo("Europe/Brussels")


async def main() -> None:
    """Start the simulators and keep them running."""
    for setup in DEV_SETUPS:
        for name, server in setup.servers().items():
            await server.start()
            print(f"{datetime.now(_ZONE):%H:%M:%S} {name}: {HOST}:{server.port}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
