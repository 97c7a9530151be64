"""`python -m bot` is the same as the `loa` command."""

from bot.cli import main

raise SystemExit(main())
