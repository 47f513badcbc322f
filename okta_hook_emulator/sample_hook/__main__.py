"""Run the sample hook service: ``python -m okta_hook_emulator.sample_hook [--port 8080] [--misbehave MODE]``
(the same as ``okta-hooks sample-hook``)."""

from __future__ import annotations

from ..commands.sample_hook import command

if __name__ == "__main__":
    command.main(prog_name="python -m okta_hook_emulator.sample_hook")
