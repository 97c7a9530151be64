"""Telegram-only `/_fake/...` routes (the common ones are in _controls.py).

    POST   /_fake/updates          a raw Update JSON (update_id optional)
    POST   /_fake/message          {chat_id, text?, user_id?, chat_type?, reply_to_message_id?,
                                    photo?: bool, caption?}
    POST   /_fake/callback_query   {chat_id, message_id, data, user_id?, check_button?}
    POST   /_fake/my_chat_member   {chat_id, old_status, new_status, user_id?, chat_type?}
    POST   /_fake/start_command    {payload, chat_id?, user_id?, chat_type?: "private"}
    POST   /_fake/chats            {chat_id, chat_type?, title?}
    POST   /_fake/kicked           {chat_id}
    POST   /_fake/blocked          {user_id}
    POST   /_fake/restore          {chat_id}
    POST   /_fake/storm            {retry_after?: 5, every? | count?, chat_ids?}
    DELETE /_fake/storm
    POST   /_fake/limits           {global_per_second?, group_per_minute?, chat_per_second?,
                                    chat_burst?, enabled?}
    GET    /_fake/edits | /_fake/callback_answers | /_fake/commands | /_fake/webhook
Each update route answers the Update JSON it queued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._controls import Body, Query, control

if TYPE_CHECKING:
    from .telegram_api import FakeTelegram


def add_telegram_controls(app: web.Application, fake: FakeTelegram) -> None:
    def message(body: Body, query: Query) -> Any:
        chat_id = int(body["chat_id"])
        replied = None
        if body.get("reply_to_message_id") is not None:
            replied = fake.world.find_message(chat_id, int(body["reply_to_message_id"]))
            if replied is None:
                raise ValueError(f"no message {body['reply_to_message_id']} in chat {chat_id}")
        return fake.message(
            chat_id,
            body.get("text", ""),
            user_id=body.get("user_id"),
            chat_type=body.get("chat_type"),
            reply_to_message=replied,
            photo=bool(body.get("photo", False)),
            caption=body.get("caption"),
        )

    def callback_query(body: Body, query: Query) -> Any:
        return fake.callback_query(
            int(body["chat_id"]),
            int(body["message_id"]),
            body["data"],
            body.get("user_id"),
            check_button=bool(body.get("check_button", True)),
        )

    def my_chat_member(body: Body, query: Query) -> Any:
        return fake.my_chat_member(
            int(body["chat_id"]),
            body["old_status"],
            body["new_status"],
            user_id=body.get("user_id"),
            chat_type=body.get("chat_type"),
        )

    def start_command(body: Body, query: Query) -> Any:
        return fake.start_command(
            body["payload"],
            chat_id=body.get("chat_id"),
            user_id=body.get("user_id"),
            chat_type=body.get("chat_type", "private"),
        )

    def storm(body: Body, query: Query) -> Any:
        fake.storm(
            int(body.get("retry_after", 5)),
            every=body.get("every"),
            count=body.get("count"),
            chat_ids=body.get("chat_ids"),
        )

    def webhook(body: Body, query: Query) -> Any:
        return {"info": fake.webhook.info(), "deliveries": fake.webhook.deliveries}

    routes = app.router
    routes.add_post("/_fake/updates", control(lambda b, q: fake.inject_update(b)))
    routes.add_post("/_fake/message", control(message))
    routes.add_post("/_fake/callback_query", control(callback_query))
    routes.add_post("/_fake/my_chat_member", control(my_chat_member))
    routes.add_post("/_fake/start_command", control(start_command))
    routes.add_post(
        "/_fake/chats",
        control(
            lambda b, q: fake.add_chat(int(b["chat_id"]), b.get("chat_type"), title=b.get("title"))
        ),
    )
    routes.add_post("/_fake/kicked", control(lambda b, q: fake.kicked(int(b["chat_id"]))))
    routes.add_post("/_fake/blocked", control(lambda b, q: fake.blocked(int(b["user_id"]))))
    routes.add_post("/_fake/restore", control(lambda b, q: fake.restore(int(b["chat_id"]))))
    routes.add_post("/_fake/storm", control(storm))
    routes.add_delete("/_fake/storm", control(lambda b, q: fake.calm()))
    routes.add_post("/_fake/limits", control(lambda b, q: fake.set_limits(**b)))
    routes.add_get("/_fake/edits", control(lambda b, q: fake.edits))
    routes.add_get("/_fake/callback_answers", control(lambda b, q: fake.callback_answers))
    routes.add_get(
        "/_fake/commands",
        control(
            lambda b, q: [
                {"scope": s, "language_code": lang, "commands": c}
                for (s, lang), c in fake.commands.items()
            ]
        ),
    )
    routes.add_get("/_fake/webhook", control(webhook))
