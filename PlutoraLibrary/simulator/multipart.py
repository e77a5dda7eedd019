"""``multipart/form-data`` bodies, read as ASP.NET reads them: each part a form field, or an
uploaded file when its ``Content-Disposition`` names a ``filename``.

Parsed with the standard library's e-mail parser (RFC 7578 parts are MIME parts), so no
hand-written boundary scanning.

Example::

    fields = parse_multipart(raw, "multipart/form-data; boundary=x")
    fields["health"]            # '1'
    fields["logFile"].name      # 'deploy.log'
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart body: its file name, content and media type."""

    name: str
    content: bytes
    media_type: str


class MultipartError(ValueError):
    """A body that is no readable ``multipart/form-data`` (no boundary, no parts)."""


def parse_multipart(raw: bytes, content_type: str) -> dict[str, str | UploadedFile]:
    """The fields (text) and files (:class:`UploadedFile`) of a multipart body, by part name.

    Raises :class:`MultipartError` when the body has no boundary or no named part. Example:
    see the module's documentation.
    """
    if "boundary=" not in content_type.lower():
        raise MultipartError("The multipart body's Content-Type names no boundary.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise MultipartError("The body is not a multipart/form-data body.")
    found: dict[str, str | UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        content = part.get_payload(decode=True)
        data = content if isinstance(content, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            found[name] = UploadedFile(filename, data, part.get_content_type())
        else:
            found[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    if not found:
        raise MultipartError("The multipart body has no named part.")
    return found
