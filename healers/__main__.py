"""`python -m healers` runs the `heal` command."""

from __future__ import annotations

from healers.cli import main

raise SystemExit(main())
