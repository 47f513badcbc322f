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


class WholeSummaryGroup(click.Group):
    """A command group whose list shows every command's summary whole (wrapped if long, never cut with "...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, cmd.get_short_help_str(limit=1_000)) for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=WholeSummaryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okta-hooks")
def cli() -> None:
    """Play Okta's side of Okta event and inline hooks, offline.

    \b
    Examples:
      okta-hooks serve
      okta-hooks run --all --target http://127.0.0.1:8080/hooks
      okta-hooks send inline token http://127.0.0.1:8080/hooks
      okta-hooks run --help
    """


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
