"""``okta-hooks --help`` lists every command with its whole summary, and every command's ``--help`` shows
examples that the command line accepts as written."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli

_load()


def _commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        yield (*path, name)
        if isinstance(sub, click.Group):
            yield from _commands(sub, (*path, name))


COMMANDS = [(), *_commands()]


def _examples(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "Examples:"), None)
    if start is None:
        return []
    out = []
    for line in lines[start + 1:]:
        if not line.strip().startswith("okta-hooks"):
            break
        out.append(line.strip())
    return out


def _parse(argv: list[str]) -> None:
    """Parse a command line as ``okta-hooks`` would, without running it (a usage error raises)."""
    ctx = click.Context(cli, info_name="okta-hooks")
    cmd: click.Command = cli
    while isinstance(cmd, click.Group) and argv and not argv[0].startswith("-"):
        sub = cmd.get_command(ctx, argv[0])
        assert sub is not None, f"no command {argv[0]!r}"
        cmd, argv = sub, argv[1:]
    try:
        with cmd.make_context(cmd.name or "okta-hooks", argv, parent=ctx):
            pass
    except click.exceptions.Exit:  # --help
        pass


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "okta-hooks")
def test_every_command_has_examples_that_parse(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "captures").mkdir()  # the folder the capture/replay examples name
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    examples = _examples(result.output)
    assert examples, f"`okta-hooks {' '.join(path)} --help` shows no Examples: block"
    for example in examples:
        for command in example.split("|"):
            words = shlex.split(command)
            assert words[0] == "okta-hooks"
            _parse(words[1:])


def test_example_parsing_catches_a_wrong_option():
    with pytest.raises(click.UsageError):
        _parse(["send", "event", "http://127.0.0.1:8080/hooks", "--event-typ", "user.lifecycle.create"])


def test_the_command_list_shows_whole_summaries():
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    listing = result.output.split("Commands:", 1)[1]
    assert "..." not in listing
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        summary = cli.get_command(ctx, name).get_short_help_str(limit=1_000)
        assert " ".join(summary.split()) in " ".join(listing.split()), name
