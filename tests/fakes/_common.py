"""Pieces both fake servers share: API errors and answers, call records, JSON, waiting."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from aiohttp import web

T = TypeVar("T")
Params = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answer: HTTP status = error_code, plus optional `parameters`."""

    def __init__(self, status: int, description: str, *, parameters: Params | None = None):
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters


class FakeTimeout(AssertionError):
    """A wait helper ran out of time; the message says what the fake saw instead."""


@dataclass
class UploadedFile:
    """A multipart file part as the fake received it."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class ApiCall:
    """One request to the API as the fake received it (the token itself is never kept)."""

    method: str
    params: Params
    at: float
    files: dict[str, int] = field(default_factory=dict)  # part name -> size in bytes
    content_type: str = ""  # how the parameters came: JSON, form-encoded or multipart
    status: int | None = None  # HTTP status answered; None while pending or when discarded
    outcome: Literal["pending", "ok", "error", "discarded", "lost"] = "pending"
    result: Any = None  # what an answered call returned (an update handed out, say)


class SentRecord(Protocol):
    """What both fakes' delivered-message records share."""

    chat_id: Any
    method: str

    @property
    def content(self) -> str: ...


def api_ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def api_error(error: ApiError) -> web.Response:
    body: Params = {"ok": False, "error_code": error.status, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status, dumps=_dumps)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def jsonable(obj: Any) -> Any:
    """Records as JSON for the /_fake control routes (uploaded bytes become their size)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(key): jsonable(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(item) for item in obj]
    if isinstance(obj, frozenset | set):
        return sorted(jsonable(item) for item in obj)
    if isinstance(obj, bytes):
        return {"size": len(obj)}
    return obj


async def wait_until(
    predicate: Callable[[], T], *, within: float, describe: Callable[[], str]
) -> T:
    """Poll `predicate` until it returns something truthy; FakeTimeout after `within` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = predicate()
        if result:
            return result
        if loop.time() >= deadline:
            raise FakeTimeout(describe())
        await asyncio.sleep(0.01)


def find_duplicates(records: Sequence[SentRecord]) -> list[tuple[Any, str, int]]:
    """(chat_id, content, times) for every content delivered more than once to one chat."""
    counts = Counter((record.chat_id, record.content) for record in records)
    return [(chat, content, n) for (chat, content), n in counts.items() if n > 1]
