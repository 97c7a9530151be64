"""Photos and documents sent as evidence are kept by Loa, not only referenced: each one
that comes with a confirmation becomes a download job in the same transaction
(bot/storage/evidence.py), which scheduler/evidence.py works off. Links stay links."""

from __future__ import annotations

from bot.storage.evidence import WantedFile, want
from content.items import Item
from handlers.context import Turn


async def keep_files(turn: Turn, item: Item) -> int:
    """Queue the files that came with this event as evidence of `item`; how many were
    new. The item is confirmed whatever becomes of them."""
    event = turn.event
    files = [
        WantedFile(ref=attachment.evidence_ref, file_ref=attachment.ref, kind=attachment.kind)
        for attachment in event.attachments
    ]
    added = await want(
        turn.session,
        plan_id=item.plan_id,
        item_key=item.key,
        unit_id=item.unit_id,
        files=files,
        channel=event.channel,
        chat_id=event.chat_id,
        sent_by=event.user_address,
        now=turn.now,
    )
    if added:
        turn.request_wake()  # the engine's tick fetches them
    return added
