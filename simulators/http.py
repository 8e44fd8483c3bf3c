"""The loopback HTTP server under the simulators of HTTP APIs.

Fronius, Octopus and flukso.net are :class:`HttpSimulator` subclasses: each
only answers requests (``_handle``) and says when to hold them.

It answers every GET with the simulator's handler, takes the port the
simulator asked for (0: any free one, read back after start) and can hold
requests unanswered until released (a device or API that times out).
"""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpPort:
    """One simulator's HTTP port; see the module docstring."""

    def __init__(self, host: str, port: int) -> None:
        """Prepare to listen on ``host:port`` (nothing is opened yet)."""
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._released = asyncio.Event()
        self._released.set()

    async def start(self, handler: Handler) -> None:
        """Open the port; every GET goes to ``handler``."""
        app = web.Application()
        app.router.add_get("/{path:.*}", handler)
        self._runner = web.AppRunner(
            app, handle_signals=False, shutdown_timeout=0.1, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        server = site._server  # noqa: SLF001 - the port chosen for 0
        if isinstance(server, asyncio.Server):
            self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the port; requests waiting for an answer end."""
        self._released.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def hold(self, *, held: bool) -> None:
        """Hold requests unanswered (``True``) or answer them again."""
        if held:
            self._released.clear()
        else:
            self._released.set()

    async def released(self) -> None:
        """Wait until requests are no longer held."""
        await self._released.wait()


class HttpSimulator(ABC):
    """A simulated HTTP API on one loopback port; subclasses answer requests."""

    def __init__(self, host: str, port: int) -> None:
        """Prepare to serve on ``host:port`` (0: any free port)."""
        self.host = host
        self._http = HttpPort(host, port)

    @property
    def port(self) -> int:
        """Return the TCP port the simulator listens on."""
        return self._http.port

    @property
    def url(self) -> str:
        """Return the API root to give the wizard."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Open the port."""
        await self._http.start(self._handle)

    async def stop(self) -> None:
        """Close the port; requests waiting for an answer end."""
        await self._http.stop()

    @abstractmethod
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request."""
