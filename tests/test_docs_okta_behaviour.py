"""docs/okta-behaviour.md stays in step with the code: every ``docs/okta-behaviour.md#<section>`` cited in the
package, tests, tools, benchmarks or docs names a heading of the page, every constant of ``fidelity.py`` is
listed under its "Unconfirmed choices", and no citation of the outside fact sheet comes back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from okta_hook_emulator import fidelity

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "okta-behaviour.md"
CITATION = re.compile(r"docs/okta-behaviour\.md#([A-Za-z0-9_-]+)")
LOCAL_LINK = re.compile(r"\]\(#([A-Za-z0-9_-]+)\)")
TEXT_SUFFIXES = {".py", ".md", ".json", ".yaml", ".yml", ".html", ".toml", ".txt", ".css", ".js"}


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def headings(markdown: str) -> list[str]:
    """The heading texts of a Markdown document (outside fenced code blocks)."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#{1,6} +(.+?) *#*$", line)):
            out.append(m.group(1))
    return out


def anchors() -> set[str]:
    return {slug(h) for h in headings(DOC.read_text(encoding="utf-8"))}


def cited_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in ("okta_hook_emulator", "tests", "docs", "tools", "benchmarks"):
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    return sorted(files)


def citations() -> list[tuple[str, str]]:
    """``(file, anchor)`` for every citation of the page, plus the page's own ``(#anchor)`` links."""
    found = []
    for path in cited_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = str(path.relative_to(ROOT))
        found += [(rel, a) for a in CITATION.findall(text)]
        if path == DOC:
            found += [(rel, a) for a in LOCAL_LINK.findall(text)]
    return found


def unconfirmed_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n## Unconfirmed choices\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_slug_follows_github():
    assert slug("Okta's behaviour, as the emulator implements it") == "oktas-behaviour-as-the-emulator-implements-it"
    assert slug("LogEvent shape") == "logevent-shape"
    assert slug("Verification GET headers") == "verification-get-headers"


def test_headings_have_unique_anchors():
    """Duplicate headings would get GitHub's -1 suffixes, which citations could not name reliably."""
    slugs = [slug(h) for h in headings(DOC.read_text(encoding="utf-8"))]
    assert len(slugs) == len(set(slugs)), sorted(s for s in slugs if slugs.count(s) > 1)


def test_every_cited_anchor_is_a_heading():
    found = citations()
    assert len({rel for rel, _ in found}) > 10  # the package, tests and README cite the page
    known = anchors()
    broken = sorted({f"{rel}: #{anchor}" for rel, anchor in found if anchor not in known})
    assert not broken, "citations of docs/okta-behaviour.md naming no heading:\n" + "\n".join(broken)


@pytest.mark.parametrize("name", sorted(n for n in vars(fidelity) if n.isupper() and not n.startswith("_")))
def test_fidelity_constant_is_listed_as_unconfirmed(name):
    assert f"`{name}`" in unconfirmed_section(), (
        f"fidelity.{name} is a choice where Okta's documentation is silent: list it under "
        "'## Unconfirmed choices' in docs/okta-behaviour.md")


def test_no_fact_sheet_citations():
    """Okta facts are cited from docs/okta-behaviour.md, not from an outside fact sheet."""
    me = Path(__file__).resolve()
    offenders = [str(p.relative_to(ROOT)) for p in cited_files()
                 if p.resolve() != me and "fact sheet" in p.read_text(encoding="utf-8", errors="replace").lower()]
    assert not offenders
