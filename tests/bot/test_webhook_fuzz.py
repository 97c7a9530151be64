"""Fuzzing the webhooks over real HTTP with the right secret: random JSON of every shape,
real updates with one field replaced or removed, random and deeply nested bytes.
Every answer is 200, 400, 403 or 413 (never a 500), and every update that was stored
is one Loa can read."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bot.webhook_harness import (
    SECRET,
    SECRET_HEADERS,
    TELEGRAM_FIXTURES,
    ZALO_FIXTURES,
    Hooks,
    stored,
    unreadable,
)
from tests.fuzzing import fuzz_settings

ANSWERS = {200, 400, 403, 413}
FIXTURES = {"telegram": list(TELEGRAM_FIXTURES.values()), "zalo": list(ZALO_FIXTURES.values())}

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**70), 2**70)
    | st.floats()  # NaN and infinities too: json.dumps writes them, JSON has none
    | st.text(max_size=20)
    | st.sampled_from(["", "0", "true", "private", "group", "/start", "xong 1", "\x00"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `value` (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@st.composite
def changed_update(draw: st.DrawFn, platform: str) -> bytes:
    """A real update with a field replaced by any JSON value, or removed."""
    update = json.loads(json.dumps(draw(st.sampled_from(FIXTURES[platform]))))
    *parents, last = draw(st.sampled_from(paths(update)))
    target = update
    for key in parents:
        target = target[key]
    if isinstance(target, dict) and draw(st.booleans()):
        del target[last]
    else:
        target[last] = draw(json_values)
    return json.dumps(update).encode()


@st.composite
def spliced_bytes(draw: st.DrawFn, platform: str) -> bytes:
    """A real update's bytes with random bytes put in or cut out."""
    body = json.dumps(draw(st.sampled_from(FIXTURES[platform])), ensure_ascii=False).encode()
    at = draw(st.integers(0, len(body)))
    cut = draw(st.integers(0, 8))
    return body[:at] + draw(st.binary(max_size=8)) + body[at + cut :]


def bodies(platform: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        json_values.map(lambda value: json.dumps(value).encode()),
        changed_update(platform),
        changed_update(platform),
        spliced_bytes(platform),
        st.binary(max_size=64),
        st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 5000).map(lambda depth: b'{"a":' * depth + b"0" + b"}" * depth),
    )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def check_post(
    hooks: Hooks, http: aiohttp.ClientSession, platform: str, body: bytes, secret: str
) -> None:
    headers = {"Content-Type": "application/json", SECRET_HEADERS[platform]: secret}
    async with http.post(hooks.url(platform), data=body, headers=headers) as response:
        status = response.status
    assert status in ANSWERS, (status, body[:300])
    rows = await stored(hooks.database)
    assert [unreadable(hooks, row) for row in rows] == [None] * len(rows), body[:300]
    if status == 200:
        assert rows, "a 200 for an update that was not stored"


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
@fuzz_settings(examples=200, seconds_per_case=5)
@given(data=st.data())
@example(data=None)  # the recorded updates themselves, below
async def test_webhook_bodies_get_200_400_or_413_and_only_readable_updates_are_stored(
    hooks: Hooks, http: aiohttp.ClientSession, platform: str, data: st.DataObject | None
) -> None:
    if data is None:
        for update in FIXTURES[platform]:
            await check_post(hooks, http, platform, json.dumps(update).encode(), SECRET)
        return
    body = data.draw(bodies(platform), label="body")
    secret = data.draw(st.sampled_from([SECRET, SECRET, SECRET, "", SECRET[:-1]]), label="secret")
    await check_post(hooks, http, platform, body, secret)
