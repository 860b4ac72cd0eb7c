"""The family base of heal's own codemods (performance, logic): each finding is matched to a site
its rule finds again, with the rule's own checks, so detection and fix cannot disagree."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import ClassVar

import libcst as cst

from healers import analysis
from healers.codemod import FindingCodemod
from healers.finding import Finding
from healers.syntax import fresh_name, module_names

NOT_FOUND = "heal's rule no longer finds this pattern here; left as it is"


class SiteCodemod(FindingCodemod):
    """A codemod for the findings of `rule`, one of the rules in `rules`. The rule's checks run
    again over the parsed file (one pass, on the codemod's own metadata); each finding takes the
    first site left on its line, the one at its column if there is one. `fix_site` schedules the
    site's rewrite (`replace`) and returns None, or returns why it leaves the code alone."""

    rule: ClassVar[str]
    rules: ClassVar[analysis.RuleTable]

    def fix_site(self, site: analysis.Site) -> str | None:
        raise NotImplementedError

    def fix(self, finding: Finding) -> str | None:
        here = self._sites.get(finding.line, [])
        exact = [s for s in here if self.ctx.position(s.node)[1] == finding.column]
        if not (exact or here):
            return NOT_FOUND
        site = (exact or here)[0]
        here.remove(site)
        return self.fix_site(site)

    @cached_property
    def ctx(self) -> analysis.Context:
        return self._found[0]

    @cached_property
    def _found(self) -> tuple[analysis.Context, list[analysis.Site]]:
        mine = {k: v for k, v in self.rules.items() if k.partition(":")[0] == self.rule}
        return analysis.sites(self.module, analysis.dispatch([mine]), wrapper=self.wrapper)

    @cached_property
    def _sites(self) -> dict[int, list[analysis.Site]]:
        """The rule's sites by line, each taken by the first finding that asks for it."""
        ctx, found = self._found
        by_line: dict[int, list[analysis.Site]] = {}
        for site in found:
            by_line.setdefault(ctx.position(site.node)[0], []).append(site)
        return by_line

    @cached_property
    def taken(self) -> set[str]:
        """Every name the file uses, and those the fixes so far took."""
        return module_names(self.module)

    def fresh(self, wanted: str) -> str:
        """A name no code of the file uses and no earlier fix took: `wanted`, or `wanted_2`..."""
        return fresh_name(wanted, self.taken)


def without_trailing_comma(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Arguments after some were removed: the last one keeps no dangling comma."""
    out = list(args)
    if out:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out
