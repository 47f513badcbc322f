"""The ``okta-hooks`` command line. Each sub-command lives in ``okta_hook_emulator/commands/<name>.py`` and
exposes a click command named ``command`` (or ``commands``, a list); this file only assembles them."""

from __future__ import annotations

import importlib

import click

from . import __version__

# Sub-command modules, imported lazily when the CLI starts.
COMMAND_MODULES: list[str] = [
    "run",
    "payload",
    "validate",
    "serve",
    "verify",
    "diff",
    "capture",
    "replay",
    "load",
    "listen",
    "trigger",
    "sample_hook",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okta-hooks")
def cli() -> None:
    """Play Okta's side of Okta event and inline hooks, offline."""


def _load() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"okta_hook_emulator.commands.{name}")
        found = getattr(module, "commands", None) or [module.command]
        for cmd in found:
            cli.add_command(cmd)


def main() -> None:
    """Console-script entry point."""
    _load()
    cli(prog_name="okta-hooks")


if __name__ == "__main__":
    main()
