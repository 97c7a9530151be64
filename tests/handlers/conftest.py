"""The `loa` fixture: the sample plan loaded into a fresh database at the start of the
year before (LOADED), a handler context on a clock standing at 08:12 on Monday 02/02/2026, and
the helpers of support.py."""

from __future__ import annotations

import pytest

from bot.storage.db import Database
from bot.storage.plans import save_plan
from content.clock import FixedClock
from content.plan_loader import load_plan
from handlers.context import HandlerContext
from tests.handlers.support import LOADED, NOW, SAMPLE_PLAN, Loa


@pytest.fixture
async def loa(database: Database) -> Loa:
    plan = load_plan(SAMPLE_PLAN)
    async with database.session() as session:
        await save_plan(session, plan, SAMPLE_PLAN.read_text(encoding="utf-8"), LOADED)
    clock = FixedClock(NOW)
    wakes: list[int] = []
    ctx = HandlerContext(
        database=database,
        clock=clock,
        extra_admins=(),
        bot_usernames={"telegram": "LoaNhacViecBot", "zalo": "Loa"},
        wake=lambda: wakes.append(1),
    )
    return Loa(database=database, clock=clock, ctx=ctx, wakes=wakes)
