"""Progress of long helpers (`paginate`, the waits), shown when asked with `progress=True`.

With tqdm installed, a tqdm bar (`tqdm.auto`: its widget in a notebook, text in a terminal);
without it, one line on stderr rewritten in place. Nothing at all when stderr is not a terminal
and no notebook runs, so a script under cron or CI logs no carriage returns.
"""

from __future__ import annotations

import sys
import time
from typing import Any


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel: an IPython shell with a kernel behind it (a terminal IPython
    has none). Jupyter, JupyterLab, VS Code and Colab all run such a shell."""
    ipython = sys.modules.get("IPython")
    if ipython is None or "ipykernel" not in sys.modules:
        return False
    get = getattr(ipython, "get_ipython", None)
    shell = get() if callable(get) else None
    return getattr(shell, "kernel", None) is not None


def interactive() -> bool:
    """Whether progress can be seen: stderr is a terminal, or a notebook shows it."""
    stream = sys.stderr
    try:
        tty = stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        tty = False
    return tty or in_notebook()


class Progress:
    """A count (of items, of polls) with a line of text; `total` when known, which may come later."""

    def __init__(self, description: str, unit: str, total: int | None = None) -> None:
        self.description = description
        self.unit = unit
        self.total = total
        self.count = 0
        self.status = ""
        self.started = time.monotonic()
        self._bar: Any = None
        self._width = 0  # of the last line written, to blank what a shorter line leaves behind
        self.enabled = interactive()
        if self.enabled:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]
            except ImportError:
                pass  # the line on stderr, drawn by _draw
            else:
                self._bar = tqdm(total=total, desc=description, unit=unit, file=sys.stderr, leave=True)

    def set_total(self, total: int) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()
        else:
            self._draw()

    def advance(self, n: int = 1, status: str | None = None) -> None:
        self.count += n
        if status is not None:
            self.status = status
        if not self.enabled:
            return
        if self._bar is not None:
            if status is not None:
                self._bar.set_postfix_str(status, refresh=False)
            self._bar.update(n)
        else:
            self._draw()

    def _draw(self) -> None:
        if not self.enabled or self._bar is not None:
            return
        count = f"{self.count}/{self.total}" if self.total is not None else str(self.count)
        elapsed = time.monotonic() - self.started
        line = f"{self.description}: {count} {self.unit}, {elapsed:.0f} s"
        if self.status:
            line += f", {self.status}"
        pad = " " * max(self._width - len(line), 0)
        self._width = len(line)
        sys.stderr.write(f"\r{line}{pad}")
        sys.stderr.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        self.enabled = False
        if self._bar is not None:
            self._bar.close()
        elif self._width:
            sys.stderr.write("\n")
            sys.stderr.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
