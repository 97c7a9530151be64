"""Bot API parameters as PTB v22 sends them, typed the way the real server reads them.

PTB posts `application/x-www-form-urlencoded` (or `multipart/form-data` with files) where
strings go as they are and every other value is JSON-encoded (telegram/request/
_requestparameter.py). Other clients may post a JSON body or use the query string; all
three are accepted. Each parameter is then typed by name: `chat_id` is an int unless it is
an @username, JSON-valued parameters are decoded, numbers and booleans converted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from ._common import ApiError, Params, UploadedFile

INT_PARAMS = frozenset(
    [
        "offset",
        "limit",
        "message_id",
        "reply_to_message_id",
        "user_id",
        "cache_time",
        "max_connections",
        "message_thread_id",
    ]
)
JSON_PARAMS = frozenset(
    [
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
    ]
)
BOOL_PARAMS = frozenset(
    [
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "has_spoiler",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "show_caption_above_media",
    ]
)


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def coerce_param(name: str, value: Any) -> Any:
    """A parameter as the Bot API types it; form values are strings or JSON-encoded."""
    if name == "chat_id":
        text = str(value).strip()
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if not isinstance(value, str):
        return value
    try:
        if name in JSON_PARAMS:
            return json.loads(value)
        if name in INT_PARAMS:
            return int(value)
        if name == "timeout":
            return float(value)
    except ValueError as exc:
        raise bad(f"can't parse {name}") from exc
    if name in BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


async def read_params(request: web.Request) -> tuple[Params, dict[str, UploadedFile]]:
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad("can't parse JSON body") from exc
            if not isinstance(body, dict):
                raise bad("the JSON body must be an object")
            raw.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[key] = UploadedFile(value.filename, value.content_type, data)
                else:
                    raw[key] = value
    return {key: coerce_param(key, value) for key, value in raw.items()}, files
