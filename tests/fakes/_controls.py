"""The `/_fake/...` HTTP routes: the test controls of a fake, for another process.

A benchmark or an end-to-end script that runs the fake standalone drives it with these;
in-process tests call the same Python methods directly. Bodies and answers are JSON.
Routes common to both fakes are added here; each fake adds its own with `control()`.

    POST /_fake/hold      {"methods"?: "send" | "all" | [names]}
    POST /_fake/release
    POST /_fake/fail      {"count"?: 1, "status"?: 502, "methods"?: ...}
    POST /_fake/fail_rate {"rate": 0.15, "status"?: 502, "methods"?: ..., "seed"?: 1}
    POST /_fake/lose      {"count"?: 1, "methods"?: ...}
    POST /_fake/reset
    GET  /_fake/stats
    GET  /_fake/sent          ?chat_id=
    GET  /_fake/wait          ?count=&chat_id=&timeout=   (408 with a dump on timeout)
    GET  /_fake/wait_request  ?method=&count=&timeout=
    GET  /_fake/duplicates
    GET  /_fake/requests      ?method=
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._common import FakeTimeout, jsonable

if TYPE_CHECKING:
    from ._server import FakeServer

Body = dict[str, Any]
Query = Mapping[str, str]
ControlFn = Callable[[Body, Query], Any]


def control(fn: ControlFn) -> Callable[[web.Request], Any]:
    """Wrap `fn(body, query)` as a route: JSON in, JSON out, 400 on bad input."""

    async def handler(request: web.Request) -> web.Response:
        body: Body = {}
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "the body must be JSON"}, status=400)
        try:
            result = fn(body, request.query)
            if inspect.isawaitable(result):
                result = await result
        except FakeTimeout as exc:
            return web.json_response({"error": str(exc)}, status=408)
        except (ValueError, KeyError, TypeError) as exc:
            return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=400)
        return web.json_response(jsonable(result if result is not None else {"ok": True}))

    return handler


def add_common_controls(app: web.Application, fake: FakeServer) -> None:
    def chat(query: Query) -> Any:
        raw = query.get("chat_id")
        return None if raw is None else fake.parse_chat_id(raw)

    def methods(body: Body) -> Any:
        return body.get("methods", "send")

    routes = app.router
    routes.add_post("/_fake/hold", control(lambda b, q: fake.hold(methods(b))))
    routes.add_post("/_fake/release", control(lambda b, q: fake.release()))
    routes.add_post(
        "/_fake/fail",
        control(
            lambda b, q: fake.fail_next(
                int(b.get("count", 1)), status=int(b.get("status", 502)), methods=methods(b)
            )
        ),
    )
    routes.add_post(
        "/_fake/fail_rate",
        control(
            lambda b, q: fake.fail_randomly(
                float(b["rate"]),
                status=int(b.get("status", 502)),
                methods=methods(b),
                seed=b.get("seed"),
            )
        ),
    )
    routes.add_post(
        "/_fake/lose",
        control(lambda b, q: fake.lose_next(int(b.get("count", 1)), methods=methods(b))),
    )
    routes.add_post("/_fake/reset", control(lambda b, q: fake.reset_records()))
    routes.add_get("/_fake/stats", control(lambda b, q: fake.stats()))
    routes.add_get(
        "/_fake/sent",
        control(lambda b, q: fake.sent if chat(q) is None else fake.sent_to(chat(q))),
    )
    routes.add_get(
        "/_fake/wait",
        control(
            lambda b, q: fake.wait_for_messages(
                int(q.get("count", 1)), chat(q), timeout=float(q.get("timeout", 5))
            )
        ),
    )
    routes.add_get(
        "/_fake/wait_request",
        control(
            lambda b, q: fake.wait_for_request(
                q["method"], int(q.get("count", 1)), timeout=float(q.get("timeout", 5))
            )
        ),
    )
    routes.add_get(
        "/_fake/duplicates",
        control(lambda b, q: [list(entry) for entry in fake.duplicates()]),
    )
    routes.add_get(
        "/_fake/requests",
        control(lambda b, q: [c for c in fake.requests if q.get("method") in (None, c.method)]),
    )
