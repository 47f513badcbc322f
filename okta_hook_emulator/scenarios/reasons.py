"""Why a step's hook call failed, in Okta's terms ("timed out after 3 s", "connection refused", "HTTP 500 after 2
attempts", the broken rule at its JSON path, the verification check that failed), read from the step's result
document: the core result's ``to_dict()`` (attempts with their transport result and error, problems, checks),
so in-process and ``--server`` runs read the same facts. Never a Python value such as ``None``."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from ..emulator import records as R
from ..emulator.results import VERDICT_ERROR, VERDICT_INVALID, VERDICT_OK, VERIFIED
from ..matchers import problem_text

_BUDGET = re.compile(r"within (\S+ s)\b")
NOT_CHECKED = "not checked:"  # the detail of a verification check skipped after an earlier failure


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 attempt`` / ``2 attempts`` (``many``: the plural when it is not ``noun + "s"``)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def delivery_reason(delivery: dict[str, Any] | None) -> str:
    """Why the last attempt of a delivery failed ("timed out after 3 s", "connection refused by 127.0.0.1:9",
    "HTTP 500 after 2 attempts"...); ``""`` when it got a 2xx answer (or made no attempt)."""
    attempts = (delivery or {}).get("attempts") or []
    if not attempts:
        return ""
    final = attempts[-1]
    transport, error = final.get("transport"), str(final.get("error") or "")
    tries = f" ({plural(len(attempts), 'attempt')})" if len(attempts) > 1 else ""
    if transport == R.OK:
        return ""
    if transport == R.TIMEOUT:
        budget = _BUDGET.search(error)
        return f"timed out after {budget.group(1)}{tries}" if budget else f"timed out{tries}"
    if transport == R.CONNECTION_ERROR:
        if "refused" in error.lower():
            where = urlsplit(str((final.get("request") or {}).get("url") or "")).netloc
            return f"connection refused{f' by {where}' if where else ''}{tries}"
        return f"connection failed: {error or 'no answer'}{tries}"
    status = (final.get("response") or {}).get("status")
    if transport == R.HTTP_ERROR:
        if not status:
            return f"HTTP error{tries}"
        return f"HTTP {status} after {plural(len(attempts), 'attempt')}" if len(attempts) > 1 else f"HTTP {status}"
    if transport == R.REDIRECT:
        return f"{error}{tries}" if error else f"redirected{tries}"  # the error names the redirect
    if transport == R.TOO_LARGE:
        return f"answer too large: {error}{tries}" if error else f"answer too large{tries}"
    return f"{transport}: {error}{tries}" if error else f"{transport}{tries}"


def problem_reasons(problems: list[Any] | None) -> list[str]:
    """Each broken Okta rule as ``rule_name at $.json.path: message``."""
    out = []
    for p in problems or []:
        if isinstance(p, dict) and p.get("rule"):
            where = f" at {p['path']}" if p.get("path") else ""
            out.append(f"{p['rule']}{where}: {p.get('message') or p.get('summary') or 'broken'}")
        else:
            out.append(problem_text(p))
    return out


def failed_checks(checks: list[dict[str, Any]] | None) -> list[str]:
    """The verification checks that failed, as ``check 'name' failed: detail`` (checks skipped because an
    earlier one failed are left out)."""
    out = []
    for c in checks or []:
        if isinstance(c, dict) and not c.get("passed") and not str(c.get("detail", "")).startswith(NOT_CHECKED):
            detail = c.get("detail")
            out.append(f"check '{c.get('name')}' failed" + (f": {detail}" if detail else ""))
    return out


def _first_clause(text: str) -> str:
    """The cause part of an inline result's reason (``cause; what Okta did``)."""
    return text.split("; ", 1)[0].strip()


def step_reasons(action: str, doc: dict[str, Any] | None) -> list[str]:
    """Why a step's hook call did not succeed, one line per cause; ``[]`` when it succeeded."""
    doc = doc or {}
    if action == "verify":
        if doc.get("verdict") == VERIFIED:
            return []
        why = delivery_reason(doc.get("delivery"))
        return [why] if why else failed_checks(doc.get("checks"))
    if action == "events":
        counts: Counter[str] = Counter()
        for b in doc.get("batches") or []:
            if not b.get("accepted"):
                counts[delivery_reason(b.get("delivery")) or b.get("note") or "not accepted"] += 1
        total = len(doc.get("batches") or [])
        return [f"{n} of {total} POSTs: {why}" if total > 1 else why for why, n in counts.items()]
    if action in ("inline", "flow"):
        verdict = doc.get("verdict")
        if verdict == VERDICT_OK:
            return []
        if verdict == VERDICT_INVALID and doc.get("problems"):
            return problem_reasons(doc.get("problems"))
        why = delivery_reason(doc.get("delivery"))
        if why:
            return [why]
        reason = doc.get("reason")
        outcome = doc.get("outcome")
        if verdict == VERDICT_ERROR and isinstance(outcome, dict) and outcome.get("summary"):
            return []  # a deliberate error answer: the outcome summary says what Okta did with it
        return [_first_clause(reason)] if reason else []
    return []


def _status(doc: dict[str, Any]) -> str:
    status = doc.get("http_status")
    return f"HTTP {status}" if status is not None else "no HTTP answer"


def step_summary(action: str, doc: dict[str, Any]) -> str:
    """The one-line summary of a step: verdict, HTTP status, attempts, and why when the call failed."""
    why = step_reasons(action, doc)
    because = f": {'; '.join(why)}" if why else ""
    attempts = plural(int(doc.get("attempt_count") or 0), "attempt")
    verdict = doc.get("verdict") or "no verdict"
    if action == "verify":
        return f"{verdict} ({_status(doc)}, {attempts}){because}"
    if action == "events":
        events = plural(int(doc.get("event_count") or 0), "event")
        batches = plural(int(doc.get("batch_count") or 0), "batch", "batches")
        return f"{events} in {batches}: {verdict}, {attempts}{because}"
    if action in ("inline", "flow"):
        outcome = doc.get("outcome") or {}
        text = outcome.get("summary") if isinstance(outcome, dict) else None
        tail = because or (f": {text}" if text else (f": {doc.get('reason')}" if doc.get("reason") else ""))
        if because and text:
            tail = f"{tail.rstrip('.')}. {text}"
        return f"{verdict} ({_status(doc)}){tail}"
    if action == "wait":
        return f"waited {doc.get('waited')} s"
    return ""
