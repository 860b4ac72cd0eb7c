"""`python -m healers` runs the `heal` command."""

from __future__ import annotations

from healers.entry import main

raise SystemExit(main())
