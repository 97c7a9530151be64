"""When Loa is not sure what was meant, it asks one short question: which item is done
(or whether a named one is), with a ✅ button per item on Telegram and numbered
choices on Zalo, which has no buttons.

On a channel without buttons the choices are the item numbers to type. The question
is remembered for the person who was asked (Conversation table, 30
minutes), so a short answer ("1", "1 3", "tất cả", "có") reads against the list it
was about, with any photo or link that came with the first message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.conversations import end_conversation, get_conversation, save_conversation
from content.buttons import Button, ask_button
from handlers.context import Turn
from handlers.events import Reply
from handlers.formatting import number_list, shorten
from handlers.targets import Target

DIALOGUE = "confirm"
OFFERED = 8  # items offered at most (a question, not a second digest)
BUTTONS_PER_ROW = 4
TITLE_SHOWN = 70


@dataclass(frozen=True)
class Question:
    """What Loa asked this person, still waiting for an answer."""

    row_id: int  # the list it is about
    offered: tuple[int, ...]
    evidence: tuple[str, ...]
    yes_no: bool  # "Việc 3 đã xong?" rather than "Việc nào đã xong?"


async def waiting(turn: Turn) -> Question | None:
    event = turn.event
    row = await get_conversation(
        turn.session, event.channel, event.chat_id, event.user_id, turn.now
    )
    if row is None or row.name != DIALOGUE:
        return None
    state = row.state
    return Question(
        row_id=int(state["row_id"]),
        offered=tuple(state.get("offered", ())),
        evidence=tuple(state.get("evidence", ())),
        yes_no=bool(state.get("yes_no")),
    )


async def forget(turn: Turn) -> None:
    event = turn.event
    await end_conversation(turn.session, event.channel, event.chat_id, event.user_id)


async def ask(
    turn: Turn,
    target: Target,
    lead: str,
    offered: Sequence[int],
    evidence: Sequence[str] = (),
    *,
    yes_no: bool = False,
) -> list[Reply]:
    """Ask about `offered` (open items of `target`), and wait for the answer."""
    _ = turn._
    offered = list(offered)[:OFFERED]
    if not offered:
        return [Reply(text=_("Mọi việc trong tin nhắc đều đã được xác nhận. Cảm ơn!"))]
    lines = [lead]
    lines += [
        f"{n}. {shorten(target.entries[n].get('title', ''), TITLE_SHOWN)}".rstrip() for n in offered
    ]
    first = offered[0]
    example = " ".join(str(n) for n in offered[:2])
    row_id = target.row.id or 0
    buttons: tuple[tuple[Button, ...], ...] = ()
    if turn.traits.buttons:
        choices = [ask_button(row_id, n, f"✅ {n}") for n in offered]
        if len(offered) > 1 and not yes_no:
            choices.append(ask_button(row_id, None, _("✅ Tất cả")))
        buttons = tuple(
            tuple(choices[i : i + BUTTONS_PER_ROW]) for i in range(0, len(choices), BUTTONS_PER_ROW)
        )
        lines.append(
            _("Bấm ✅ việc đã xong, hoặc trả lời «có».")
            if yes_no
            else _("Bấm ✅ việc đã xong, hoặc trả lời tin này, ví dụ «xong %(first)s».")
            % {"first": first}
        )
    else:
        lines.append(_how_to_answer(turn, yes_no) % {"first": first, "example": example})
    event = turn.event
    await save_conversation(
        turn.session,
        event.channel,
        event.chat_id,
        event.user_id,
        DIALOGUE,
        {
            "row_id": target.row.id,
            "offered": offered,
            "evidence": list(evidence),
            "yes_no": yes_no,
        },
        turn.now,
    )
    return [Reply(text="\n".join(lines), buttons=buttons)]


def _how_to_answer(turn: Turn, yes_no: bool) -> str:
    """Numbered choices where there are no buttons, as the channel's replies point."""
    _ = turn._
    quoting = turn.traits.reply_reference == "quote"
    if yes_no:
        if quoting:
            return _("Trả lời (trích dẫn) tin này «có» nếu đã xong, «chưa» nếu chưa.")
        return _("Trả lời «có» nếu đã xong, «chưa» nếu chưa.")
    if quoting:
        return _(
            "Trả lời (trích dẫn) tin này bằng số việc đã xong, ví dụ «%(first)s» hoặc "
            "«%(example)s»; «tất cả» nếu xong hết."
        )
    return _(
        "Trả lời bằng số việc đã xong, ví dụ «%(first)s» hoặc «%(example)s»; «tất cả» nếu xong hết."
    )


async def ask_which(
    turn: Turn,
    target: Target,
    still_open: Sequence[int],
    evidence: Sequence[str] = (),
    lead: str | None = None,
) -> list[Reply]:
    """ "Tin nhắc còn 3 việc chưa xác nhận: 1, 2 và 4. Việc nào đã xong?" """
    _ = turn._
    if lead is None:
        lead = _("Tin nhắc còn %(count)s việc chưa xác nhận: %(numbers)s. Việc nào đã xong?") % {
            "count": len(still_open),
            "numbers": number_list(still_open, _),
        }
    return await ask(turn, target, lead, still_open, evidence)


async def ask_whether(
    turn: Turn, target: Target, numbers: Sequence[int], evidence: Sequence[str] = ()
) -> list[Reply]:
    """ "Việc 3 đã xong chưa?" for a number written alone ("3", "việc 3 ạ")."""
    _ = turn._
    lead = _("Bạn báo việc %(numbers)s đã xong?") % {"numbers": number_list(numbers, _)}
    return await ask(turn, target, lead, numbers, evidence, yes_no=True)
