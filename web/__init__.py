"""The office's web page (issue 16), served by `loa run` on LOA_LISTEN.

Server-rendered pages (aiohttp + Jinja2), one module per page or concern: `site.py`
(what every page shares: the session, the CSRF check, rendering), `auth.py` (signing
in with a one-time link, signing out, the login rate limit), `overview.py`, `unit.py`,
`calendar.py`, `plan.py`, `broadcast.py`, `chart.py` (SVG bars). It reads and writes
through `bot/storage`, `scheduler` and `handlers` like the chat does, so a
confirmation made here counts and reports exactly as one made in a chat.
"""
