"""`heal --scan --propose`, from the run's side: the model's client made before the run (a
broken setup fails at once), the proposals after it, their findings' reasons saying what waits."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from healers import policy
from healers.errors import ProviderError
from healers.finding import Report
from healers.options import Options
from healers.state import proposals

if TYPE_CHECKING:
    from healers.llm.client import Provider


def provider(opts: Options) -> Provider:
    # imported here: `openai` is an optional extra, and loading it costs every other run time
    from healers.llm import propose

    return propose.provider(opts)


def propose(opts: Options, rep: Report, client: Provider) -> tuple[Report, str]:
    """The report with the model's run in it, and "" or why the endpoint failed (exit 2)."""
    from healers.llm import propose

    try:
        model = propose.run(opts, rep.outcomes, client)
    except ProviderError as exc:
        return rep, str(exc)
    waiting = {fp: f"`heal pending`, then heal approve {fp}" for fp, _, _ in model.queued}
    outcomes = policy.proposed(rep.outcomes, waiting)
    return replace(rep, outcomes=outcomes, model=model, notes=[*rep.notes, *model.notes]), ""


UNTRUSTED = (
    "--untrusted: `propose = true` in [tool.healers.llm] was not followed; no model was asked"
)


def waiting(opts: Options, rep: Report) -> Report:
    """A run without --propose: findings whose model-proposed fix still waits say so."""
    if opts.diff or not proposals.path_of(opts.project.state_dir).is_file():
        return rep
    try:
        queued = proposals.waiting(opts.project.state_dir, opts.project.root)
    except proposals.QueueError as exc:
        return replace(rep, notes=[*rep.notes, str(exc)])
    how = {e.fingerprint: f"`heal pending`, then heal approve {e.fingerprint}" for e in queued}
    return replace(rep, outcomes=policy.proposed(rep.outcomes, how)) if how else rep
