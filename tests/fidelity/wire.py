"""Raw HTTP for the fidelity replays: the bytes a third-party script sends, nothing added.

The replays must not go through this project's client (the point is to behave like someone
else's script) and should not go through ``requests`` either where a script's framing matters:
Node's ``https.request`` sends a body without ``Content-Length`` as ``Transfer-Encoding:
chunked``, PHP's curl sends ``@`` unencoded, and the vendor's Python samples send a JSON ``""``
body on GET. :func:`send` uses ``http.client`` so that headers, framing and body are exactly the
ones given. The helpers below reproduce each client's way of encoding a form.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from PlutoraLibrary.simulator import PlutoraSimulator

#: The simulator's demo credentials (README, "Demo credentials").
PLUTORA_CLIENT = ("sim-plutora-client", "sim-plutora-secret")
PLUTORA_TEST_CLIENT = ("sim-plutora-test-client", "sim-plutora-test-secret")
USERNAME = "qa.lead@example.com"
#: Characters ``encodeURIComponent`` (and so Node's querystring) leaves as they are.
NODE_SAFE = "-_.!~*'()"
PASSWORD = "Sim-Password-1"


@dataclass
class Answer:
    """One HTTP answer as the script would see it."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def send(
    url: str,
    method: str,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    *,
    chunked: bool = False,
) -> Answer:
    """Send one request with exactly ``headers`` (``http.client`` adds only ``Host`` and
    ``Accept-Encoding: identity``) and ``body``; ``chunked`` frames it as Node does when a
    script gives no ``Content-Length``."""
    parts = urlsplit(url)
    assert parts.hostname, url
    assert parts.port, url
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    data = body.encode("utf-8") if isinstance(body, str) else body
    given = dict(headers or {})
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        if chunked:
            given["Transfer-Encoding"] = "chunked"
            chunks = [data] if data else []
            connection.request(
                method, target, body=iter(chunks), headers=given, encode_chunked=True
            )
        else:
            connection.request(method, target, body=data, headers=given)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def node_querystring(fields: dict[str, str]) -> str:
    """Node's ``querystring.stringify``: ``encodeURIComponent`` per key and value."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe=NODE_SAFE)}" for k, v in fields.items())


def node_escape(text: str) -> str:
    """Node's ``querystring.escape`` (used by CSV-proj-import.js for ``filter=``)."""
    return quote(text, safe=NODE_SAFE)


def requests_form(fields: dict[str, Any]) -> str:
    """What ``requests`` sends for ``data=<dict>``: ``urlencode`` (spaces as ``+``)."""
    return urlencode(fields)


def qs_form(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """The ``qs`` library's ``stringify`` as Cypress uses it for a form body: nested keys as
    ``a[0][b]``, ``None`` as an empty value, booleans as ``true``/``false``."""
    if isinstance(value, dict):
        pairs: list[tuple[str, str]] = []
        for key, item in value.items():
            pairs += qs_form(item, f"{prefix}[{key}]" if prefix else key)
        return pairs
    if isinstance(value, list):
        pairs = []
        for index, item in enumerate(value):
            pairs += qs_form(item, f"{prefix}[{index}]")
        return pairs
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, "" if value is None else str(value))]


def cypress_form(body: dict[str, Any]) -> str:
    """A Cypress ``cy.request`` body sent with ``Content-Type: application/x-www-form-urlencoded``:
    ``qs.stringify`` with RFC 3986 escaping (brackets escaped too)."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='-_.~')}" for k, v in qs_form(body))


def token_url(sim: PlutoraSimulator, product: str = "plutora") -> str:
    urls = sim.urls
    return urls.plutora_token_url if product == "plutora" else urls.plutora_test_token_url


def api_url(sim: PlutoraSimulator, product: str = "plutora") -> str:
    urls = sim.urls
    return urls.plutora_api_url if product == "plutora" else urls.plutora_test_api_url
