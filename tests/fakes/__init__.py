"""Local fake servers speaking the Telegram Bot API and the Zalo Bot Platform API over real
HTTP, for Loa's end-to-end tests and benchmarks (see telegram_api.py and zalo_api.py).

    from tests.fakes import FakeTelegram, FakeZalo

Names are imported lazily so that `python -m tests.fakes.telegram_api` (or `.zalo_api`)
runs its module once, not a second copy imported by this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ApiCall": "._common",
    "FakeTimeout": "._common",
    "FakeTelegram": ".telegram_api",
    "TelegramLimits": ".telegram_limits",
    "SentMessage": ".telegram_records",
    "EditRecord": ".telegram_records",
    "CallbackAnswer": ".telegram_records",
    "FakeZalo": ".zalo_api",
    "ZaloSent": ".zalo_api",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
