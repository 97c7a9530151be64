"""A message that is due: the planner's output and the outbox's input. Pure data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Kinds the outbox hands out before the others, in this order: an alert (a quota
# running out, a channel down) must not wait behind the posts that caused it, and an
# answer to a person should not wait behind a broadcast.
ALERT = "alert"
REPLY = "reply"


@dataclass(frozen=True)
class DueMessage:
    key: str  # deterministic: the same message always gets the same key
    channel: str
    chat_id: str
    kind: str  # digest | post | escalation | broadcast | notice | tasks | alert | reply
    text: str
    not_before: datetime
    expires_at: datetime | None = None
    plan_id: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)  # see content/payloads.py

    @property
    def chat_address(self) -> str:
        return f"{self.channel}:{self.chat_id}"
