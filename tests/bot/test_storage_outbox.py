"""The outbox stores a message once, hands it out once, and recovers abandoned rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.storage import outbox, sent_messages
from bot.storage.models import OutboxMessage
from content.clock import LOCAL_TZ
from content.due import DueMessage

NOW = datetime(2026, 2, 2, 7, 30, tzinfo=LOCAL_TZ)


def due(key: str, chat: str = "-100", **overrides: object) -> DueMessage:
    fields: dict[str, object] = {
        "key": key,
        "channel": "telegram",
        "chat_id": chat,
        "kind": "digest",
        "text": f"text of {key}",
        "not_before": NOW,
        "expires_at": NOW + timedelta(hours=13),
        "plan_id": "p",
    }
    fields.update(overrides)
    return DueMessage(**fields)  # type: ignore[arg-type]


async def statuses(database) -> dict[str, str]:  # type: ignore[no-untyped-def]
    async with database.session() as session:
        rows = (await session.exec(select(OutboxMessage))).scalars()
        return {row.key: row.status for row in rows}


async def test_a_key_is_stored_once_even_when_enqueued_again(database) -> None:
    async with database.session() as session:
        assert await outbox.enqueue(session, [due("a"), due("b")], NOW) == 2
    async with database.session() as session:
        assert await outbox.enqueue(session, [due("a"), due("c")], NOW) == 1
    assert await statuses(database) == {"a": "pending", "b": "pending", "c": "pending"}


async def test_claim_hands_each_row_to_one_worker_only(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due(f"k{i}") for i in range(5)], NOW)
    async with database.session() as session:
        first = await outbox.claim(session, "w1", NOW, limit=3)
    async with database.session() as session:
        second = await outbox.claim(session, "w2", NOW, limit=10)
    assert [row.key for row in first] == ["k0", "k1", "k2"]
    assert [row.key for row in second] == ["k3", "k4"]
    async with database.session() as session:
        assert await outbox.claim(session, "w3", NOW) == []


async def test_rows_not_yet_due_wait(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("later", not_before=NOW + timedelta(hours=1))], NOW)
        assert await outbox.claim(session, "w", NOW) == []
        claimed = await outbox.claim(session, "w", NOW + timedelta(hours=1))
    assert [row.key for row in claimed] == ["later"]


async def test_expired_rows_become_stale_instead_of_arriving_late(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("old", expires_at=NOW + timedelta(minutes=5))], NOW)
    async with database.session() as session:
        assert await outbox.expire(session, NOW + timedelta(minutes=6)) == 1
        assert await outbox.claim(session, "w", NOW + timedelta(minutes=6)) == []
    assert await statuses(database) == {"old": "stale"}


async def test_recover_returns_a_dead_workers_rows_and_sent_rows_stay_sent(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("a"), due("b")], NOW)
    async with database.session() as session:
        claimed = await outbox.claim(session, "dead", NOW)
        await outbox.mark_sent(session, claimed[0], ["17"], NOW)
    async with database.session() as session:
        # Within the lease another instance may still be working on it.
        lease = timedelta(minutes=2)
        assert await outbox.recover(session, "new", NOW + timedelta(minutes=1), lease, False) == 0
        assert await outbox.recover(session, "new", NOW + timedelta(minutes=3), lease, False) == 1
    assert await statuses(database) == {"a": "sent", "b": "pending"}
    async with database.session() as session:
        again = await outbox.claim(session, "new", NOW + timedelta(minutes=3))
    assert [row.key for row in again] == ["b"]


async def test_sent_message_ids_lead_back_to_the_row(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("digest-1", payload={"entries": [{"n": 1}]})], NOW)
    async with database.session() as session:
        row = (await outbox.claim(session, "w", NOW))[0]
        await outbox.mark_sent(session, row, ["41", "42"], NOW)
    async with database.session() as session:
        found = await sent_messages.by_message_id(session, "telegram", "-100", "42")
        latest = await sent_messages.latest_sent(session, "telegram", "-100")
        missing = await sent_messages.by_message_id(session, "telegram", "-999", "42")
    assert found is not None and found.key == "digest-1"
    assert found.payload == {"entries": [{"n": 1}]}
    assert latest is not None and latest.key == "digest-1"
    assert missing is None


async def test_a_reused_platform_id_never_stops_a_send_being_recorded(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("first"), due("second")], NOW)
    async with database.session() as session:
        first, second = await outbox.claim(session, "w", NOW)
        await outbox.mark_sent(session, first, ["7"], NOW)
    async with database.session() as session:
        await outbox.mark_sent(session, second, ["7", ""], NOW)
    assert await statuses(database) == {"first": "sent", "second": "sent"}
    async with database.session() as session:
        owner = await sent_messages.by_message_id(session, "telegram", "-100", "7")
    assert owner is not None and owner.key == "second"


async def test_alerts_then_replies_are_claimed_before_posts_that_waited_longer(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due(f"post-{n}", kind="broadcast") for n in range(3)], NOW)
        later = NOW + timedelta(seconds=5)
        await outbox.enqueue(
            session,
            [
                due("reply", kind="reply", not_before=later),
                due("quota-alert", kind="alert", not_before=later),
            ],
            later,
        )
    async with database.session() as session:
        claimed = await outbox.claim(session, "w", later, limit=3)
    assert [row.key for row in claimed] == ["quota-alert", "reply", "post-0"]


async def test_recover_makes_abandoned_rows_stale_once_their_moment_has_passed(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(
            session,
            [
                due("digest", expires_at=NOW + timedelta(minutes=5)),
                due("broadcast", expires_at=None),
            ],
            NOW,
        )
        await outbox.claim(session, "dead", NOW)
    async with database.session() as session:
        back = await outbox.recover(
            session, "live", NOW + timedelta(minutes=10), timedelta(minutes=1)
        )
    assert back == 1
    assert await statuses(database) == {"digest": "stale", "broadcast": "pending"}


async def test_recover_leaves_what_this_worker_is_still_sending(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("held"), due("dropped")], NOW)
        held, _ = await outbox.claim(session, "me", NOW)
    async with database.session() as session:
        later = NOW + timedelta(minutes=5)
        assert await outbox.recover(session, "me", later, timedelta(minutes=1), keep=[held.id]) == 1
    assert await statuses(database) == {"held": "sending", "dropped": "pending"}


async def test_deliveries_recorded_together_each_get_their_ids(database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session, [due("a", chat="-1"), due("b", chat="-2"), due("c")], NOW)
        a, b, c = await outbox.claim(session, "w", NOW)
    async with database.session() as session:
        await outbox.record_deliveries(
            session,
            [
                outbox.Delivered(a, ["11", "12"], NOW),
                outbox.Delivered(b, ["11"], NOW),  # another chat: the same id is no clash
                outbox.Delivered(c, [], NOW),
            ],
        )
    assert await statuses(database) == {"a": "sent", "b": "sent", "c": "sent"}
    async with database.session() as session:
        first = await sent_messages.by_message_id(session, "telegram", "-1", "12")
        second = await sent_messages.by_message_id(session, "telegram", "-2", "11")
    assert (first and first.key, second and second.key) == ("a", "b")
    assert first is not None and first.message_ids == ["11", "12"]


async def test_a_digest_half_delivered_already_answers_for_its_first_parts(database) -> None:
    """A member may answer "xong 1" to part one while the other parts are on their way
    (Zalo sends one message a second to a chat): the digest is found all the same."""
    async with database.session() as session:
        await outbox.enqueue(session, [due("long", payload={"entries": [{"n": 1}]})], NOW)
        [row] = await outbox.claim(session, "w", NOW)
        assert await sent_messages.latest_sent(session, "telegram", "-100") is None
    async with database.session() as session:
        await outbox.record_parts(session, row, ["501"], NOW)
    async with database.session() as session:
        latest = await sent_messages.latest_sent(session, "telegram", "-100")
        quoted = await sent_messages.by_message_id(session, "telegram", "-100", "501")
    assert latest is not None and quoted is not None
    assert latest.key == quoted.key == "long"
    assert (quoted.status, quoted.payload["parts_sent"]) == ("sending", ["501"])
