"""Declarative, seeded scenarios: YAML files of named steps with expectations, the runner and reports.

>>> from okta_hook_emulator.scenarios import load, run_scenario      # doctest: +SKIP
>>> result = run_scenario(load("token-add-claims"), target="http://127.0.0.1:8080/hooks")
>>> result.passed
True
"""

from __future__ import annotations

from .loader import builtin_names, load, load_builtin, load_text, scenario_schema
from .model import Scenario, ScenarioError, Step
from .reports import json_report, junit_report, render, summary_table, text_report
from .runner import ScenarioResult, StepResult, parse_sets, run_many, run_scenario

__all__ = [
    "Scenario", "ScenarioError", "ScenarioResult", "Step", "StepResult", "builtin_names", "json_report",
    "junit_report", "load", "load_builtin", "load_text", "parse_sets", "render", "run_many", "run_scenario",
    "scenario_schema", "summary_table", "text_report",
]
