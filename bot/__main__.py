"""Command line: `python -m bot [check|ask|chat|eval|run]`."""

from bot.cli import main

raise SystemExit(main())
