"""Zalo-only `/_fake/...` routes (the common ones are in _controls.py).

    POST /_fake/updates        a raw update JSON
    POST /_fake/text           {chat_id, text, user_id?, chat_type?: "PRIVATE", display_name?}
    POST /_fake/image          {chat_id, photo_url, caption?, user_id?, chat_type?, display_name?}
    POST /_fake/sticker        {chat_id, sticker, user_id?, chat_type?, display_name?}
    POST /_fake/unsupported    {chat_id, user_id?, chat_type?, display_name?}
    POST /_fake/forged         {update?, secret?: str | null, url?}  -> {"status": int | null}
    POST /_fake/revoke_token
    POST /_fake/settings       {redeliver?, webhook_wrap?, monthly_quota?}
    GET  /_fake/webhook        {"url", "secret_set", "deliveries": [...]}
Each update route answers the update it queued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._controls import Body, Query, control

if TYPE_CHECKING:
    from .zalo_api import FakeZalo

WHO = ("user_id", "chat_type", "display_name")
SETTINGS = ("redeliver", "webhook_wrap", "monthly_quota")


def add_zalo_controls(app: web.Application, fake: FakeZalo) -> None:
    def who(body: Body) -> dict[str, Any]:
        return {key: body[key] for key in WHO if key in body}

    async def forged(body: Body, query: Query) -> Any:
        status = await fake.post_forged(
            body.get("update"), secret=body.get("secret"), url=body.get("url")
        )
        return {"status": status}

    def settings(body: Body, query: Query) -> Any:
        unknown = set(body) - set(SETTINGS)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        for key, value in body.items():
            setattr(fake, key, value)
        return {key: getattr(fake, key) for key in SETTINGS}

    def webhook(body: Body, query: Query) -> Any:
        return {
            "url": fake.webhook_url,
            "secret_set": fake.webhook_secret is not None,
            "deliveries": fake.deliveries,
        }

    routes = app.router
    routes.add_post("/_fake/updates", control(lambda b, q: fake.inject_update(b)))
    routes.add_post(
        "/_fake/text", control(lambda b, q: fake.text_message(b["chat_id"], b["text"], **who(b)))
    )
    routes.add_post(
        "/_fake/image",
        control(
            lambda b, q: fake.image_message(
                b["chat_id"], b["photo_url"], b.get("caption"), **who(b)
            )
        ),
    )
    routes.add_post(
        "/_fake/sticker",
        control(lambda b, q: fake.sticker_message(b["chat_id"], b["sticker"], **who(b))),
    )
    routes.add_post(
        "/_fake/unsupported",
        control(lambda b, q: fake.unsupported_message(b["chat_id"], **who(b))),
    )
    routes.add_post("/_fake/forged", control(forged))
    routes.add_post("/_fake/revoke_token", control(lambda b, q: fake.revoke_token()))
    routes.add_post("/_fake/settings", control(settings))
    routes.add_get("/_fake/webhook", control(webhook))
