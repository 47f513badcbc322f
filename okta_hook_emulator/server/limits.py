"""Input limits of the server: the request-body size (an Okta-shaped 413), the nesting depth of JSON bodies and
the rule that every string in them is valid Unicode (both answered with 400 ``E0000001``)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, request

from ..errors import OktaAPIError

MAX_JSON_DEPTH = 64  # objects/arrays nested deeper than this are refused (Okta's own bodies nest < 10 levels)
_SURROGATE = re.compile("[\ud800-\udfff]")


def body_too_large(limit: int) -> OktaAPIError:
    """The 413 answer for a body over ``limit`` bytes."""
    return OktaAPIError("E0000003", status=413, summary="The request body is too large.", causes=[
        f"Request bodies are limited to {limit} bytes (okta-hooks serve --max-body-bytes)."])


def check_body_size() -> Response | None:
    """``before_request``: refuse a declared body over the configured limit before reading it (a body without a
    length is cut at the limit by Flask's ``MAX_CONTENT_LENGTH``, which answers the same 413)."""
    from .app import error_response, state

    limit = state().config.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return error_response(body_too_large(limit))
    return None


def read_body() -> bytes:
    """The request body; a 413 when it is over the limit (also for a streamed body without a length, which
    Flask cuts at the limit)."""
    from .app import state

    limit = state().config.max_body_bytes
    raw = request.get_data(cache=True)
    if len(raw) >= limit and request.content_length is None:
        raise body_too_large(limit)
    return raw


def _invalid(path: str, message: str) -> OktaAPIError:
    return OktaAPIError("E0000001", "request", causes=[f"{path or 'body'}: {message}"])


def check_json_value(value: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise a 400 ``E0000001`` when ``value`` nests deeper than ``max_depth`` or holds a string (key or value)
    that is not valid Unicode (a lone surrogate such as ``"\\ud800"``)."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise _invalid(path, "The string is not valid Unicode (it holds a lone surrogate escape such as "
                                     "\\ud800); send UTF-8 text.")
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise _invalid(path, f"The JSON is nested too deeply; at most {max_depth} levels are accepted.")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise _invalid(path, "A key is not valid Unicode (it holds a lone surrogate escape); send "
                                         "UTF-8 text.")
                stack.append((child, child_path, depth + 1))


def parse_json(raw: bytes) -> Any:
    """Parse a request body: ``E0000003`` when it is not JSON, ``E0000001`` when it is too deep or not Unicode."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise _invalid("", f"The JSON is nested too deeply; at most {MAX_JSON_DEPTH} levels are accepted."
                       ) from None
    except UnicodeDecodeError:
        raise OktaAPIError("E0000003", causes=["The request body is not valid UTF-8."]) from None
    except json.JSONDecodeError as exc:
        raise OktaAPIError("E0000003", causes=[
            f"Malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}."]) from None
    except ValueError:
        raise OktaAPIError("E0000003", causes=["Malformed JSON."]) from None
    check_json_value(value)
    return value
