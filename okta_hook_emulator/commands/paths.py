"""Output paths checked before a command does any work: a report or record that cannot be written is a usage
error (exit 2) naming the option and the fix, never a traceback after the scenarios or the load ran."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import EmulatorUsageError


def check_output(path: str | os.PathLike[str] | None, option: str, *, folder: bool = False) -> None:
    """Raise EmulatorUsageError when ``path`` (a file to write, or with ``folder`` a folder created if missing)
    cannot be written; None and ``-`` (standard output) pass."""
    if path is None or str(path) == "-":
        return
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise EmulatorUsageError(f"{option} {path}: a file of that name exists; {option} takes a folder.")
        existing = next((p for p in [target, *target.parents] if p.exists()), Path("."))
        if not existing.is_dir() or not os.access(existing, os.W_OK):
            raise EmulatorUsageError(f"{option} {path}: cannot create it under '{existing}' (not a writable "
                                     "folder). Pick another folder.")
        return
    if target.is_dir():
        raise EmulatorUsageError(f"{option} {path}: it is a folder; {option} takes a file name, e.g. "
                                 f"{target / 'report.txt'}.")
    parent = target.parent
    if not parent.is_dir():
        raise EmulatorUsageError(f"{option} {path}: the folder '{parent}' does not exist. Create it first or "
                                 "pick another path.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise EmulatorUsageError(f"{option} {path}: not writable (permission denied). Pick another path.")
