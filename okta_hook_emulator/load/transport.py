"""Load mode's transport: the core prepares each request (``Emulator.prepare_inline``, ``sender.prepare_request``)
and judges each answer; in between, geventhttpclient, the HTTP client under Locust's ``FastHttpUser``, sends it.

One :class:`GeventTransport` per simulated user (one keep-alive connection per hook host, like one Okta client).
Each attempt gets Okta's whole budget (``PreparedRequest.timeout``) as one ``gevent.Timeout`` around connect, send
and answer, stops reading at ``max_response_bytes`` and never follows a redirect (geventhttpclient's
``HTTPClient`` has no redirect or retry logic of its own: retries are the core's, ``exchange.deliver``). Nothing
is added to Okta's headers but ``Host`` and ``Content-Length``: no cookie jar, no ``Accept-Encoding`` (which
Locust's ``FastHttpSession`` would add).

Importing this module imports gevent: only the Locust users import it."""

from __future__ import annotations

import socket
import time
from typing import Any

import gevent
from geventhttpclient import HTTPClient
from geventhttpclient.response import HTTPParseError
from geventhttpclient.url import URL

from ..emulator.exchange import WIRE_CONNECT, WIRE_OTHER, WIRE_PROTOCOL, WIRE_TIMEOUT, Answer, PreparedRequest

_CONNECT_ERRORS = (ConnectionRefusedError, socket.gaierror)
BLOCK_SIZE = 64 * 1024


class GeventTransport:
    """Sends prepared hook requests with geventhttpclient; :meth:`send` is one attempt (an ``exchange``
    transport: ``Emulator.deliver(prepared, transport.send)``)."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, float, tuple[str, ...]], _Client] = {}  # (url, budget, header names) ->

    def _client(self, prepared: PreparedRequest) -> _Client:
        key = (prepared.url, prepared.timeout, tuple(prepared.headers))
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = _Client(prepared.url, prepared.timeout, prepared.headers)
        return client

    def _drop(self, prepared: PreparedRequest) -> None:
        """Close the connection after a failed attempt (Okta opens a new one for the next call)."""
        client = self._clients.pop((prepared.url, prepared.timeout, tuple(prepared.headers)), None)
        if client is not None:
            client.close()

    def send(self, prepared: PreparedRequest) -> Answer:
        """One attempt within the budget and size limit. Never raises for the hook's behaviour (Locust's
        ``GreenletExit``, when it stops the user, goes through)."""
        limit = prepared.max_response_bytes
        answer = Answer()
        response = None
        client = self._client(prepared)
        timer = client.budget
        started = time.perf_counter()
        timer.start()
        try:
            response = client.http.request(prepared.method, client.path, body=prepared.body or b"",
                                           headers=client.changed(prepared.headers))
            answer.status = response.status_code
            answer.headers = response.info().compatible_dict()
            declared = _declared_length(response)
            if declared is not None and declared >= limit:
                answer.size = declared
            else:
                chunks: list[bytes] = []
                received = 0
                while received < limit and (chunk := response.read(BLOCK_SIZE)):
                    chunks.append(chunk)
                    received += len(chunk)
                answer.body, answer.size = b"".join(chunks), received
        except gevent.Timeout as exc:
            if exc is not timer:
                raise
            answer.timed_out = True
        except TimeoutError as exc:
            answer.failure, answer.detail = WIRE_TIMEOUT, type(exc).__name__
        except _CONNECT_ERRORS as exc:
            answer.failure, answer.detail = WIRE_CONNECT, str(exc) or type(exc).__name__
        except HTTPParseError as exc:
            answer.failure, answer.detail = WIRE_PROTOCOL, str(exc) or type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - whatever the hook did is recorded and classified
            answer.failure, answer.detail = WIRE_OTHER, f"{type(exc).__name__}: {str(exc) or type(exc).__name__}"
        finally:
            timer.cancel()
            answer.elapsed_ms = (time.perf_counter() - started) * 1000
            if response is not None:
                response.release()  # back to the pool when complete, else closed
        if answer.failure is not None or answer.timed_out:
            self._drop(prepared)
        return answer

    def close(self) -> None:
        """Close every connection."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()


class _Client:
    """One hook URL's keep-alive connection and the budget timer its attempts restart (one attempt at a time:
    a Locust user's calls follow one another).

    The first request's headers become the connection's own (``HTTPClient``'s default headers, in Okta's order);
    each request then passes only the values that differ (``X-Okta-Request-Id``), which take their place in that
    order. geventhttpclient merges its own headers more cheaply than a caller's dict, header by header."""

    def __init__(self, address: str, budget: float, headers: dict[str, str]) -> None:
        url = URL(address)
        self.path = url.request_uri
        self.fixed = dict(headers)
        self.http = HTTPClient.from_url(url, connection_timeout=budget, network_timeout=budget, concurrency=1,
                                        insecure=False, headers=self.fixed)
        self.budget = gevent.Timeout(budget)

    def changed(self, headers: dict[str, str]) -> dict[str, str]:
        """The request's header values that differ from the connection's own (same names, same order)."""
        fixed = self.fixed
        return {name: value for name, value in headers.items() if fixed[name] != value}

    def close(self) -> None:
        self.http.close()
        self.budget.close()


def _declared_length(response: Any) -> int | None:
    """The answer's Content-Length, or None when it has none (or a broken one)."""
    try:
        return response.content_length
    except ValueError:
        return None
