"""The HTML report (`--output-format html`) and the dashboard's web page: one self-contained
document, its style and script inline under a content security policy that lets it fetch nothing
but its own page's updates."""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib import resources

from healers import __version__
from healers.dashboard.figures import Figures
from healers.report.drill import drill_down
from healers.report.markup import esc, when
from healers.report.sections import overview


@functools.cache
def asset(name: str) -> str:
    """One of heal's own assets (healers/report/assets/), shipped in the wheel."""
    return (resources.files("healers.report") / "assets" / name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def policy(*, header: bool = False) -> str:
    """The content security policy: the inline style and script by hash, no other source; the
    live page may connect to its own origin (the event stream and /healing/main). The server's
    header also forbids framing (a <meta> policy cannot)."""
    return (
        f"default-src 'none'; style-src '{_digest(asset('dashboard.css'))}'; "
        f"script-src '{_digest(asset('dashboard.js'))}'; connect-src 'self'; img-src data:; "
        "base-uri 'none'; form-action 'none'" + ("; frame-ancestors 'none'" if header else "")
    )


def main(fig: Figures, *, generation: str = "") -> str:
    """The part of the page that is replaced when a run records (the live page fetches it)."""
    warnings = "".join(f'<p class="warning">{esc(w)}</p>' for w in fig.warnings)
    folded = f", {fig.folded} older run(s) folded into daily totals" if fig.folded else ""
    meta = (
        f'<p class="meta" id="counts">heal {esc(__version__)} · {fig.runs} run(s) recorded'
        f"{esc(folded)} · figures of {esc(when(fig.generated))}</p>"
    )
    return (
        f'<main id="main" data-generation="{esc(generation)}">{meta}{warnings}'
        f"{overview(fig)}{drill_down(fig)}</main>"
    )


def document(
    fig: Figures, *, live: bool = False, generation: str = "", body: str | None = None
) -> str:
    """The whole page; `live` makes it follow the server's event stream; `body` is its main
    part when it was rendered already."""
    title = f"heal · {fig.project}" if fig.project else "heal"
    mode = "connecting…" if live else "static report"
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy())}">'
        '<meta name="color-scheme" content="light">'
        f'<link rel="icon" href="data:,"><title>{esc(title)}</title>'
        f"<style>{asset('dashboard.css')}</style></head>"
        f'<body data-live="{1 if live else 0}">'
        f"<header><h1>{esc(title)}</h1><span id=live>{esc(mode)}</span></header>"
        f"{main(fig, generation=generation) if body is None else body}"
        f"<script>{asset('dashboard.js')}</script></body></html>\n"
    )
