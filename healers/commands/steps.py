"""The first steps every job of the generated workflows shares: the checkout (no credentials
left on disk), Python, and heal from its pinned source."""

from __future__ import annotations

SETUP = """\
      - uses: @checkout@
        with:
          persist-credentials: false
      - uses: @setup-python@
        with:
          python-version: "@PYTHON@"
      - name: Install heal
        run: |
          python -m pip install @INSTALL@
"""
