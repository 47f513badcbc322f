"""``okta-hooks validate``: check a hook response (or, with ``--request``, a request) against Okta's rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import EmulatorUsageError
from ..payloads.catalog import get_kind
from ..payloads.validate import response_size_problem, response_warnings, validate_request, validate_response


def _read(source: str, what: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise EmulatorUsageError(f"Can't read the {what} '{source}': it is a directory. Pass a JSON file or '-'.") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise EmulatorUsageError(f"Can't read the {what} '{source}': {reason}. Pass a readable JSON file or '-' "
                                 f"for standard input.") from None


def _parse(raw: bytes, source: str, what: str) -> Any:
    name = "standard input" if source == "-" else f"'{source}'"
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise EmulatorUsageError(f"The {what} {name} is not UTF-8 text; hook bodies are JSON.") from None
    except json.JSONDecodeError as exc:
        raise EmulatorUsageError(f"The {what} {name} is not JSON: {exc.msg} at line {exc.lineno} column "
                                 f"{exc.colno}. Fix the file or pass a JSON document.") from None


@click.command("validate", short_help="Check a hook answer (or request) against Okta's rules.")
@click.argument("kind")
@click.argument("file", default=None, required=False)
@click.option("--request", "as_request", is_flag=True,
              help="FILE is a request Okta sends (default: FILE is your hook's response).")
@click.option("--request-file", "request_file", metavar="FILE",
              help="The request the response answers; enables the rules that compare against it "
                   "(claims that must exist, SSR vs progressive profile, requested tokens).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the problems, then the warnings (with \"severity\": \"warning\"), as a JSON array.")
def command(kind: str, file: str | None, as_request: bool, request_file: str | None, as_json: bool) -> None:
    """Validate a hook body: KIND is token, saml, registration, import, password-import, telephony or event.

    FILE is a JSON file or '-' (standard input; the default when input is piped). Prints each problem as `path: [rule] message`, or `valid`;
    then each warning (what Okta likely ignores, e.g. an unknown key) as `path: warning [rule] message`.
    Warnings never make a body invalid. Exit status: 0 valid, 1 invalid, 2 usage error.

    \b
    Examples:
      okta-hooks validate token answer.json --request-file request.json
      okta-hooks payload event | okta-hooks validate event --request -
    """
    try:
        if file is None:
            if sys.stdin.isatty():
                raise EmulatorUsageError(f"give the body to check: okta-hooks validate {kind} FILE, or pipe it: "
                                         f"cat FILE | okta-hooks validate {kind} -")
            file = "-"
        hook = get_kind(kind)
        if as_request and request_file:
            raise EmulatorUsageError("--request-file only applies when validating a response; drop --request.")
        raw = _read(file, "request" if as_request else "response")
        body = _parse(raw, file, "request" if as_request else "response")
        request = None
        if request_file is not None:
            request = _parse(_read(request_file, "request file"), request_file, "request file")
    except EmulatorUsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)

    warnings = []
    if as_request:
        problems = validate_request(hook.name, body)
    else:
        warnings = response_warnings(hook.name, body, request)
        problems = [p for p in validate_response(hook.name, body, request) if p.rule != "response_too_large"]
        size = response_size_problem(len(raw))
        if size is not None:
            problems.append(size)

    if as_json:
        click.echo(json.dumps([p.to_dict() for p in [*problems, *warnings]], indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        if not problems:
            click.echo("valid")
        for warning in warnings:
            click.echo(str(warning))
    sys.exit(1 if problems else 0)
