"""Everything the planner needs to know about one plan at one moment, gathered by
the store (bot/storage/state.py) or built by hand in tests and simulations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from content.plan import Address, Plan
from scheduler.items import Item


@dataclass(frozen=True)
class PlanState:
    plan: Plan
    items: Sequence[Item]  # expand_items(plan) plus broadcast items that need confirming
    confirmed: Mapping[str, datetime] = field(default_factory=dict)  # item key -> when
    links: Mapping[str, Sequence[Address]] = field(default_factory=dict)  # unit id -> chats
    admins: Sequence[Address] = ()  # plan admins plus LOA_ADMINS; a user's private chat
    locale: str = "vi"
