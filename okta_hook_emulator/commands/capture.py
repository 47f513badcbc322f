"""``okta-hooks capture --forward-to URL --out DIR``: a recording reverse proxy between a real Okta org (through
your tunnel) and your hook service. Every exchange becomes one redacted JSON record in DIR."""

from __future__ import annotations

import signal

import click


@click.command("capture", short_help="Record real Okta hook traffic through a proxy.")
@click.option("--forward-to", required=True, metavar="URL",
              help="Your hook service's base URL; each request's path and query are appended unchanged.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for the records (one JSON file per exchange; created if missing).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8081, show_default=True,
              help="Port to listen on (0: a free one, printed at start).")
@click.option("--redact", multiple=True, metavar="NAME",
              help="Also redact this header (repeatable), e.g. the custom header your hook's auth scheme uses. "
                   "Authorization, bearer/basic credentials and *token*/*secret*/*key*-like names always are.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for the hook (Okta itself gives up after 3 s; the record keeps the real time).")
@click.option("--quiet", is_flag=True, help="Do not print a line per exchange.")
def command(forward_to: str, out_dir: str, host: str, port: int, redact: tuple[str, ...], timeout: float,
            quiet: bool) -> None:
    """Record Okta hook traffic: forward every request to --forward-to and write each exchange to --out.
    Replay the records later with `okta-hooks replay DIR --target URL`.

    \b
    Examples:
      okta-hooks capture --forward-to http://127.0.0.1:8080 --out captures
    """
    from ..capture.proxy import CaptureServer
    from ..capture.records import Recorder

    def report(path: object, record: dict) -> None:
        if quiet:
            return
        response = record.get("response")
        answer = f"HTTP {response['status']}" if response else f"no answer ({record.get('error')})"
        click.echo(f"{record['request']['method']} {record['request']['path']} [{record['kind']}] -> {answer} "
                   f"in {record['timing']['elapsedMs']:.1f} ms: {path}", err=True)

    from ..errors import EmulatorUsageError
    from .paths import check_output

    try:
        check_output(out_dir, "--out", folder=True)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    recorder = Recorder(out_dir, redact=redact, on_record=report)
    try:
        server = CaptureServer(forward_to, recorder, host=host, port=port, timeout=timeout)
    except (ValueError, OSError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"capturing on {server.url} -> {forward_to}, records in {out_dir}")

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # a terminated proxy still records what is in flight
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
