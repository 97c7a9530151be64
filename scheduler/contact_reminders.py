"""Contacts in what the planner sends. Pure.

- `contact_entries`: a unit's contacts as a digest names them, on a line of its own
  (the Telegram adapter makes each name a mention that notifies the person; Zalo shows
  the names), and its payload lists them (scheduler/planner.py, for every unit a chat's
  digest speaks to).
- `contact_reminders`: the first working day an owner item is overdue (the walk passes
  the items that fell overdue since the previous send day, scheduler/plan_walk.py),
  each contact of its unit who has opened a private chat with the bot gets a private
  message about it (unless `settings.contact_reminders` is false), once: its key is
  `contact-overdue/<plan>/<item>/<address>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from content.channels import traits
from content.contacts import ContactEntry, render_contact_overdue
from content.due import DueMessage
from content.items import Item
from scheduler.state import PlanState


def contact_entries(state: PlanState, unit_id: str) -> list[ContactEntry]:
    return [
        {"address": str(contact.address), "name": contact.name}
        for contact in state.contacts.get(unit_id, ())
    ]


def _group_channel(state: PlanState, unit_id: str, channel: str) -> str:
    """The channel of the unit's chat the contact confirms in: one on the contact's own
    channel if there is one, else the unit's first chat's (its hint differs)."""
    chats = [address.channel for address in state.links.get(unit_id, ())]
    if channel in chats or not chats:
        return channel
    return chats[0]


def contact_reminders(
    state: PlanState,
    day: date,
    newly_overdue: Iterable[Item],
    not_before: datetime,
    expires_at: datetime,
) -> Iterator[DueMessage]:
    """Private messages for the owner items whose first overdue day is `day`."""
    plan = state.plan
    if not plan.settings.contact_reminders or not state.reachable:
        return
    names = {unit.id: unit.name for unit in plan.units}
    for item in newly_overdue:
        for contact in state.contacts.get(item.unit_id, ()):
            address = str(contact.address)
            if address not in state.reachable:
                continue
            channel = contact.address.channel
            text = render_contact_overdue(
                names.get(item.unit_id, item.unit_id),
                item.title,
                item.due,
                traits(_group_channel(state, item.unit_id, channel)),
                state.chat_locales.get(address, state.locale),  # the contact's /ngonngu
            )
            yield DueMessage(
                key=f"contact-overdue/{plan.id}/{item.key}/{address}",
                channel=channel,
                chat_id=contact.address.id,
                kind="contact",
                text=text,
                not_before=not_before,
                expires_at=expires_at,
                plan_id=plan.id,
                payload={
                    "plan_id": plan.id,
                    "unit_id": item.unit_id,
                    "item": item.key,
                    "date": day.isoformat(),
                },
            )
