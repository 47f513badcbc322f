"""Run the examples of the README's "Generating payloads" section exactly as shown."""

from __future__ import annotations

from tests.helpers.readme import (
    blocks,
    commented_prints,
    console_examples,
    printed_lines,
    run_console,
    section,
)

SECTION = section("Generating payloads")


def test_section_has_examples():
    assert len(console_examples(SECTION)) >= 2
    assert blocks(SECTION, "python")


def test_console_examples_from_an_empty_folder(tmp_path):
    """In order, from an empty folder, as a user who ran ``pip install okta-hook-emulator``."""
    for cmd, expected in console_examples(SECTION):
        assert "tests/" not in cmd and "examples/" not in cmd
        proc = run_console(cmd, tmp_path)
        assert proc.returncode == 0, (cmd, proc.stderr)
        assert proc.stdout.rstrip() == expected.rstrip(), cmd


def test_python_example():
    code = blocks(SECTION, "python")[0]
    assert printed_lines(code) == commented_prints(code)
