"""The registration hook after a change: it now denies every registration (a WSGI app). Replaying the
captured registration against it shows what changed:

    okta-hooks replay examples/capture_replay/captures --target examples.capture_replay.changed_hook:app
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

DENY = {"commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}]}


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Deny every registration; answer anything else with 204."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    request = json.loads(environ["wsgi.input"].read(length) or b"{}")
    if request.get("eventType") != "com.okta.user.pre-registration":
        start_response("204 No Content", [])
        return [b""]
    body = json.dumps(DENY).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
