"""Run the examples of the README's "Validating hook bodies" section exactly as shown."""

from __future__ import annotations

import pytest

from tests.helpers.readme import (
    blocks,
    commented_prints,
    console_examples,
    printed_lines,
    run_console,
    section,
)

SECTION = section("Validating hook bodies")


def test_section_has_examples():
    assert len(console_examples(SECTION)) >= 3
    assert blocks(SECTION, "python")


@pytest.mark.parametrize(("cmd", "expected"), console_examples(SECTION))
def test_console_example(cmd, expected):
    proc = run_console(cmd)
    assert proc.stdout.strip() == expected.strip(), proc.stderr
    assert proc.returncode == (0 if expected.strip().splitlines()[0] == "valid" else 1)  # warnings may follow


def test_python_example():
    code = blocks(SECTION, "python")[0]
    assert printed_lines(code) == commented_prints(code)
