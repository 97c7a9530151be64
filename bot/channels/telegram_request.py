"""python-telegram-bot's networking on aiohttp instead of httpx.

PTB lets an application bring its own HTTP layer by subclassing `BaseRequest`; PTB
still builds every request and reads every answer (errors, 429s, JSON), this class only
moves bytes. Loa already runs aiohttp for its web server and the Zalo channel, and for
Bot API traffic aiohttp costs about half the CPU per call of httpx + httpcore (measured
by bench/bench_broadcast.py and bench/bench_updates.py; see docs/benchmarks.md), which
is what bounds a broadcast to thousands of chats on one core.

Parameters go as a JSON body (one of the Bot API's four accepted forms): PTB's own
form encoding percent-quotes every JSON-encoded keyboard, about 5 % of `loa run`'s CPU
while it answers button presses. Uploads go as multipart, the only form that carries
files.

Timeouts map onto aiohttp's: `connect` covers waiting for a pooled connection plus
opening one, `sock_read` the wait for the answer. aiohttp has no write timeout; a
stalled upload ends at the read timeout instead.
"""

from __future__ import annotations

from typing import Any, cast

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0  # seconds, PTB's own defaults for connect, read and write
DEFAULT_POOL_TIMEOUT = 1.0

# A timeout as PTB passes it: seconds, None for no limit, or BaseRequest.DEFAULT_NONE
# for "not given" (then this request's own default applies).
Timeout = float | None | object
JSONDict = dict[str, Any]


def _given_or(timeout: Timeout, default: float | None) -> float | None:
    if timeout is BaseRequest.DEFAULT_NONE:  # the check PTB documents for BaseRequest
        return default
    return cast("float | None", timeout)


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool of kept-alive connections."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        *,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # PTB reads the body and the status itself, for every status.
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(
        self, read_timeout: Timeout, connect_timeout: Timeout, pool_timeout: Timeout
    ) -> aiohttp.ClientTimeout:
        read = _given_or(read_timeout, self._read_timeout)
        connect = _given_or(connect_timeout, self._connect_timeout)
        pool = _given_or(pool_timeout, self._pool_timeout)
        waiting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect, sock_read=read
        )

    @staticmethod
    def _body(request_data: RequestData | None) -> dict[str, Any] | None:
        if request_data is None:
            return None
        files = request_data.multipart_data
        if not files:
            return {"json": request_data.parameters}
        form = aiohttp.FormData()
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mime_type) in files.items():
            form.add_field(name, content, filename=filename, content_type=mime_type)
        return {"data": form}

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        connect_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        body = self._body(request_data) or {}
        timeout = self._timeout(read_timeout, connect_timeout, pool_timeout)
        try:
            async with self._session.request(method, url, timeout=timeout, **body) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts subclass it
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name tells what failed when the message is empty.
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


class UpdatesRequest(AiohttpRequest):
    """The getUpdates connection. Keeps the updates of the last answer as Telegram sent
    them, so Loa stores that JSON rather than re-serialising PTB's objects (PTB reads
    the same dicts without changing them)."""

    def __init__(self, **timeouts: float | None) -> None:
        super().__init__(1, **timeouts)
        self._last_updates: list[JSONDict] = []

    # PTB documents this hook for overriding and calls it on the instance (declared
    # static in BaseRequest, hence the ignore): the one place that sees an answer's JSON.
    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        data = super().parse_json_payload(payload)
        result = data.get("result")
        self._last_updates = result if isinstance(result, list) else []
        return data

    def take_updates(self) -> list[JSONDict]:
        """The raw updates of the last getUpdates answer, once."""
        updates, self._last_updates = self._last_updates, []
        return updates
