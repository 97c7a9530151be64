"""/guitin's dialogue state: one Conversation row per admin and chat (a restart loses
nothing), read and written as a BroadcastDialogue (content/payloads.py)."""

from __future__ import annotations

from datetime import date
from typing import cast

from bot.storage.conversations import get_conversation, save_conversation
from bot.storage.models import Conversation
from bot.storage.plan_cache import stored_plan
from content.payloads import BroadcastDialogue
from content.plan import Plan
from handlers.context import Turn

DIALOGUE = "broadcast"
ACTIVE_STEPS = ("content", "targets", "confirm", "preview")


async def conversation_of(turn: Turn) -> Conversation | None:
    event = turn.event
    row = await get_conversation(
        turn.session, event.channel, event.chat_id, event.user_id, turn.now
    )
    return row if row is not None and row.name == DIALOGUE else None


async def active_dialogue(turn: Turn) -> Conversation | None:
    """The broadcast dialogue waiting for this person's next message, if any."""
    row = await conversation_of(turn)
    if row is None or row.state.get("step") not in ACTIVE_STEPS:
        return None
    return row


def due_of(state: BroadcastDialogue) -> date | None:
    due = state.get("due")
    return date.fromisoformat(due) if due else None


def state_of(conversation: Conversation) -> BroadcastDialogue:
    return cast(BroadcastDialogue, dict(conversation.state))


async def save_state(turn: Turn, state: BroadcastDialogue) -> None:
    event = turn.event
    await save_conversation(
        turn.session, event.channel, event.chat_id, event.user_id, DIALOGUE, state, turn.now
    )


async def plan_of(turn: Turn, state: BroadcastDialogue) -> Plan | None:
    plan = await stored_plan(turn.session, state["plan_id"])
    if plan is None or plan.id not in {p.id for p in await turn.admin_plans()}:
        return None
    return plan
