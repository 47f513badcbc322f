"""An installed wheel must work outside the checkout: every data file the package reads at run time (schemas,
the event-type catalog, built-in scenarios, server and dashboard files) is listed in pyproject's package-data."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "okta_hook_emulator"


def test_every_data_file_of_the_package_ships_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["okta_hook_emulator"]
    data_files = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert len(data_files) > 40  # schemas, catalog, scenarios, templates, static files, OpenAPI document
    missing = [f for f in data_files if not any(fnmatch.fnmatchcase(f, g) for g in globs)]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
