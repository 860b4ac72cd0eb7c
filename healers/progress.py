"""The progress line on a terminal: what a run is doing, on stderr, gone when it is done (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.status import Status


class Line:
    """A transient status line; show() starts or updates it, stop() erases it."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.status: Status | None = None

    def show(self, what: str) -> None:
        text = f"heal: {what}"
        if self.status is None:
            self.status = self.console.status(text)
            self.status.start()
        else:
            self.status.update(text)

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
