"""Security codemod for a file mode bandit calls permissive (B103): `os.chmod(path, 0o777)`
keeps what everyone may read and what the owner may do, and drops what group and others may
write or execute."""

from __future__ import annotations

import stat

import libcst as cst

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted, with_arg

# the bits bandit flags: group or others may write, or execute
LOOSE = stat.S_IWGRP | stat.S_IXGRP | stat.S_IWOTH | stat.S_IXOTH


def restricted(mode: int) -> int:
    """`mode` without the bits bandit flags; every other bit (owner, read, setuid...) stays."""
    return mode & ~LOOSE


class RestrictPermissions(FlaggedCodemod):
    """bandit B103: `chmod(path, MODE)` with a literal MODE that lets group or others write or
    execute -> the same MODE without those bits (`0o777` -> `0o744`)."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if not dotted(call.func).endswith("chmod"):
            return None
        if len(call.args) != 2 or any(a.keyword or a.star for a in call.args):
            return "the mode is not the second of two positional arguments"
        mode = call.args[1].value
        if not isinstance(mode, cst.Integer):
            return "the mode is computed at run time"
        value = mode.evaluated_value
        if not value & LOOSE:
            return None
        # os.chmod(path, 0o777) -> os.chmod(path, 0o744)
        return with_arg(1, cst.Integer(oct(restricted(value))))
