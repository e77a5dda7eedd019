"""Masking of everything a call's record holds (:mod:`.calls`), before any observer sees it.

The ``Authorization`` header, tokens, passwords and client secrets in headers, form and JSON
bodies and URLs are masked, at every level. Known secret values (the configured secrets,
every token issued) are also replaced wherever they appear, as a second line of defence.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SECRET_KEY = re.compile(
    r"(secret|password|passwd|pwd|access_?token|refresh_?token|id_?token|^token$|bearer"
    r"|authorization|api[-_]?key|credential|cookie)",
    re.I,
)
#: Words one of which every key ``SECRET_KEY`` finds contains (lower case; ``api[-_]?key``
#: keys contain "key"). Plain substring tests: a case-insensitive regex costs ~50 µs a page.
_SECRET_WORDS = (
    "secret", "passw", "pwd", "token", "bearer", "authorization", "key", "credential", "cookie",
)  # fmt: skip
#: The only characters ``re.I`` matches to an ASCII letter of those words: capital I with dot,
#: dotless i, long s and the Kelvin sign (found by scanning every code point).
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_MIN_SECRET_LENGTH = 4


class SecretRegistry:
    """Secret values to replace wherever they appear (thread-safe, process-wide)."""

    def __init__(self) -> None:
        self._values: frozenset[str] = frozenset()
        self._longest = 0
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        """Remember secret values (short or empty ones are ignored: they would mask noise)."""
        fresh = {v for v in values if v and len(v) >= _MIN_SECRET_LENGTH} - self._values
        if not fresh:
            return
        with self._lock:
            self._values = self._values | fresh
            ordered = sorted(self._values, key=len, reverse=True)
            self._longest = len(ordered[0])
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    @property
    def longest(self) -> int:
        """The length of the longest known secret (0 when none)."""
        return self._longest

    def scrub(self, text: str) -> str:
        """``text`` with every known secret value replaced by ``***``."""
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern is not None and text else text


#: The process-wide registry every masker consults.
SECRETS = SecretRegistry()


def mask_json(data: Any) -> Any:
    """A copy of JSON-like ``data`` with values under secret-looking keys replaced."""
    if isinstance(data, dict):
        return {
            key: (
                MASK
                if isinstance(key, str) and SECRET_KEY.search(key) and value
                else mask_json(value)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [mask_json(item) for item in data]
    if isinstance(data, str):
        return _masked_text_value(data)
    return data


def _masked_text_value(text: str) -> str:
    """A JSON string value masked: known secrets, and in free text (a comment, a
    description) the secrets a user pasted (``db_password=…``, ``Bearer …``, a JWT) as
    :func:`mask_text_assignments` finds them. Only a value holding a secret's word (or a JWT's
    start) pays for the patterns."""
    lowered = text.lower()
    if "eyj" in lowered or any(word in lowered for word in _SECRET_WORDS):
        return mask_text_assignments(text)
    return SECRETS.scrub(text)


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with secret-looking ones (``Authorization``, cookies, keys) replaced."""
    return {
        name: (MASK if SECRET_KEY.search(name) else SECRETS.scrub(str(value)))
        for name, value in headers.items()
    }


def mask_form(text: str) -> str:
    """A form-encoded body (or URL query) with secret-looking fields replaced."""
    pairs = parse_qsl(text, keep_blank_values=True)
    masked = [
        (key, MASK if SECRET_KEY.search(key) else SECRETS.scrub(value)) for key, value in pairs
    ]
    return SECRETS.scrub(urlencode(masked, safe="*"))


def mask_url(url: str) -> str:
    """A URL with secret-looking query parameters and any user info replaced."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = mask_form(parts.query) if parts.query else ""
    return SECRETS.scrub(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def mask_body(body: bytes | str | None, content_type: str | None) -> str:
    """A request or response body as masked text (JSON re-serialised, forms field by field)."""
    if body is None or body == b"" or body == "":
        return ""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":  # part by part, each masked as its own type
        return render_parts(multipart_parts(body, content_type or ""), len(body))
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if "json" in kind or text[:1] in '[{"':
        if _reads_as_written(text):
            return SECRETS.scrub(text)
        try:
            return json.dumps(mask_json(json.loads(text)), ensure_ascii=False)
        except ValueError:
            pass
    if kind == "application/x-www-form-urlencoded":
        return mask_form(text)
    return mask_text_assignments(text)


def mask_body_cut(
    body: bytes | str | None, content_type: str | None, limit: int
) -> tuple[str, int | None]:
    """The first ``limit`` characters of ``mask_body(body, content_type)`` without masking the
    rest, and the body's whole length in characters when it was cut (else None).

    A log at INFO shows only the start of a page of 100 records (150 KB); masking all of it
    cost ~10 ms a call. Secrets are masked whole before the cut, never half shown.

    Example: ``shown, size = mask_body_cut(page_bytes, "application/json", 1000)``
    """
    if body is None or body == b"" or body == "":
        return "", None
    if (content_type or "").split(";")[0].strip().lower() == "multipart/form-data":
        whole = mask_body(body, content_type)
        return (whole[:limit], len(whole)) if len(whole) > limit else (whole, None)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if len(text) <= limit:
        return mask_body(text, content_type), None
    kind = (content_type or "").split(";")[0].strip().lower()
    if "json" in kind or text[:1] in '[{"':
        if _reads_as_written(text):
            return _scrub_start(text, limit), len(text)
        try:
            data = json.loads(text)
        except ValueError:
            data = _NOT_JSON
        if data is not _NOT_JSON:
            pieces, taken = [], 0
            for piece in _masked_json_pieces(data):
                pieces.append(piece)
                taken += len(piece)
                if taken > limit:
                    break
            return "".join(pieces)[:limit], len(text)
    if kind == "application/x-www-form-urlencoded":
        return mask_form(text)[:limit], len(text)
    return _scrub_start(text, limit), len(text)


@dataclass(frozen=True)
class Part:
    """One part of a ``multipart/form-data`` body, masked: its field ``name``, the file's
    name (None for a plain field), its media type, its ``size`` in bytes and its content as
    masked text (None when it is not shown: a file that does not declare itself text, JSON
    or a form, or one that does not decode).

    Example: ``Part("logFile", "deploy.log", "text/plain", 12, "build 42 ok\n")``
    """

    name: str
    filename: str | None
    media_type: str
    size: int
    text: str | None

    def title(self) -> str:
        """``logFile (file deploy.log, text/plain, 12 bytes)`` or ``health``."""
        if self.filename is None:
            return self.name
        return f"{self.name} (file {self.filename}, {self.media_type}, {self.size} bytes)"


def multipart_parts(body: bytes | str, content_type: str) -> list[Part]:
    """The parts of a ``multipart/form-data`` body, each masked as a body of its own type
    (JSON value by value, a form field by field, text by the known secrets and by
    ``password=…``-style assignments); a field under a secret-looking name is masked whole; a
    file is shown only when its part declares it text, JSON or a form. Parsed with the
    standard library's e-mail parser (RFC 7578 parts are MIME parts). Nothing when the body
    cannot be read as multipart.

    Example: ``[p.title() for p in multipart_parts(body, "multipart/form-data; boundary=…")]``
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    try:
        message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    except (ValueError, TypeError, LookupError):  # pragma: no cover - the parser is lenient
        return []
    if not message.is_multipart():
        return []
    parts = []
    for part in message.iter_parts():
        name = str(part.get_param("name", "", header="content-disposition") or "")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        declared = part.get("Content-Type") is not None
        media = part.get_content_type() if declared else "text/plain"
        filename = part.get_filename()
        if filename is not None and not declared:
            media = "application/octet-stream"  # what a part without a type is taken to be
        text: str | None
        if SECRET_KEY.search(name) and content:
            text = MASK
        elif filename is not None and not (declared and media in _SHOWN_FILES):
            text = None  # a file that does not say it is text (a report, an archive)
        else:
            try:
                decoded = content.decode(part.get_content_charset() or "utf-8")
            except (UnicodeDecodeError, LookupError):
                text = None
            else:
                text = mask_text_assignments(mask_body(decoded, media)) if decoded else ""
        parts.append(Part(name, filename, media, len(content), text))
    return parts


#: The file parts shown (masked): those that say they are text, JSON or a form.
_SHOWN_FILES = frozenset({"text/plain", "application/json", "application/x-www-form-urlencoded"})
#: ``key = value`` / ``key: value`` / ``"key": "value"`` where the key names a secret: any word
#: holding one (``db_password``, ``DB_PASSWORD``, ``apiKey``, ``x-api-key``, ``client_secret``).
#: The key's letters around the secret's name are bounded: the pattern stays linear in the
#: text's length (an unbounded ``[\w.-]*?`` took 36 s over 32 KB of ``a.a.a.``).
_ASSIGNMENT = re.compile(
    r"(?i)(?P<key>[\"']?\b[\w-]{0,30}?(?:passw(?:or)?d|pwd|secret|token|api[-_]?key|credential"
    r"|cookie|authorization)[\w-]{0,30}\b[\"']?)(?P<sep>\s*[:=]\s*)"
    r"(?P<value>(?:(?:bearer|basic|digest|token|negotiate)\s+)?"
    r"(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s'\"&,;]+))"
)
#: A credential after an HTTP authentication scheme, anywhere (``Bearer eyJ…``).
_SCHEME_CREDENTIAL = re.compile(r"(?i)\b(bearer|basic|digest)(\s+)[A-Za-z0-9\-._~+/]{8,}=*")
#: The user information of a URL (``https://user:password@host``); bounded parts keep it linear.
_URL_USER = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://)[^/\s:@]{1,256}:[^/\s@]{1,256}@")
#: A JSON Web Token, wherever it stands.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*")


def mask_text_assignments(text: str) -> str:
    """``text`` (a log, say) with every secret it shows replaced by ``***``: the value of any
    ``password=…``, ``DB_PASSWORD: …``, ``"apiKey": "…"``, ``Authorization: Bearer …``
    (any key holding a secret's name), a credential after ``Bearer``/``Basic``, the user
    information of a URL, and JSON Web Tokens; besides the known secrets.

    Example: ``mask_text_assignments("login db_password=hunter2 ok")`` →
    ``'login db_password=*** ok'``
    """
    text = _ASSIGNMENT.sub(_masked_assignment, text)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _URL_USER.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    return SECRETS.scrub(_JWT.sub(MASK, text))


def _masked_assignment(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in "\"'" and value[-1:] == value[:1] else ""
    return f"{match.group('key')}{match.group('sep')}{quote}{MASK}{quote}"


def render_parts(parts: list[Part], size: int) -> str:
    """Masked multipart parts as a log shows them: one ``name: value`` line per field, a
    file's title and its text below it (or that it is not text).

    Example: ``render_parts(multipart_parts(body, content_type), len(body))``
    """
    if not parts:
        return f"(a multipart/form-data body of {size} bytes that could not be read, not shown)"
    lines = []
    for part in parts:
        if part.filename is None and part.text is not None and "\n" not in part.text:
            lines.append(f"{part.name}: {part.text}")
        elif part.text is None:
            lines.append(f"{part.title()}: not shown")
        else:
            lines.append(f"{part.title()}:\n{part.text}")
    return "\n".join(lines)


def _scrub_start(text: str, limit: int) -> str:
    """``SECRETS.scrub(text)[:limit]``, scrubbing only a start long enough: one that still
    holds ``limit`` characters and the longest secret after the secrets in it are replaced,
    so that a secret across the cut is masked whole."""
    enough = max(limit, 0) + SECRETS.longest + 1
    reach = enough
    while True:
        scrubbed = SECRETS.scrub(text[:reach])
        if len(scrubbed) >= enough or reach >= len(text):
            return scrubbed[:limit]
        reach *= 2


_NOT_JSON = object()


def _masked_json_pieces(data: Any) -> Iterator[str]:
    """``json.dumps(mask_json(data), ensure_ascii=False)``, piece by piece, so that a caller
    who needs only the start stops early."""
    if isinstance(data, dict):
        yield "{"
        for number, (key, value) in enumerate(data.items()):
            if number:
                yield ", "
            yield json.dumps(key if isinstance(key, str) else str(key), ensure_ascii=False)
            yield ": "
            if isinstance(key, str) and SECRET_KEY.search(key) and value:
                yield f'"{MASK}"'
            else:
                yield from _masked_json_pieces(value)
        yield "}"
    elif isinstance(data, list):
        yield "["
        for number, item in enumerate(data):
            if number:
                yield ", "
            yield from _masked_json_pieces(item)
        yield "]"
    elif isinstance(data, str):
        yield json.dumps(_masked_text_value(data), ensure_ascii=False)
    else:
        yield json.dumps(data)


def _reads_as_written(text: str) -> bool:
    """Whether masking JSON ``text`` value by value could change nothing but known secrets.

    With no escape sequence every key and string reads exactly as written (so a secret-looking
    key would show one of ``_SECRET_WORDS``, and a known secret value as itself);
    with none of those words, no value sits under a secret-looking key. Then scrubbing the
    text as it is equals parsing, masking and re-serialising it, at a fraction of the cost.
    Characters that ``SECRET_KEY``'s case-insensitive match folds to ASCII take the slow way."""
    if "\\" in text or (not text.isascii() and any(char in text for char in _FOLDS_TO_ASCII)):
        return False
    lowered = text.lower()
    return "eyj" not in lowered and not any(word in lowered for word in _SECRET_WORDS)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a note of how much was left out."""
    if limit <= 0:
        return f"({len(text)} characters not shown)" if text else ""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"
