"""Run the Python example of the README's "Inline hooks: how Okta judges the answer" section exactly as shown."""

from __future__ import annotations

from tests.helpers.readme import blocks, commented_prints, printed_lines, section


def test_python_example_prints_what_it_says():
    found = blocks(section("Inline hooks: how Okta judges the answer"), "python")
    assert len(found) == 1
    code = found[0]
    expected = commented_prints(code)
    assert len(expected) == 4
    assert printed_lines(code, {"__name__": "readme_example"}) == expected
