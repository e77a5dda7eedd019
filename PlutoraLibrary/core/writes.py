"""The rules every named write of the Plutora client keeps (creates, replaces, deletes).

- **Checked before sending** where the contract states a rule: a body's field names are
  matched to the contract's spelling ignoring case (a GET answer is a valid body: its
  read-only fields are dropped), and a name the record does not have, or a required field
  left empty, is a :class:`ValidationFailed` naming them, with nothing sent.
- **Never sent twice by accident**: a POST is sent once. Before it, the records that look
  like the one being created are read (``matching``); when its answer is lost, they are read
  again and the one record that was not there before is taken as what it created (a record
  that was there already is never taken, nor deleted by the clean-up); otherwise
  :class:`OutcomeUnknown` says nothing was sent twice. A PUT or DELETE may be repeated by
  the transport (the same body twice does no harm); a DELETE whose repeat answers 404 after
  the first attempt reached the server counts as done.
- **Verified when asked**: an update answering 204 returns None; with ``verify=True`` the
  record is read back and every field sent compared (:class:`ChangeNotPersisted` names the
  ones that differ), and the record read back is returned.

Example::

    body = prepared_body("EnvironmentInput", {"Name": "SIT9", ...}, "POST", "/environments")
    created = create(client, "/environments", body, "environment SIT9", matching=lambda: ...)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import contract
from .errors import (
    ChangeNotPersisted,
    OutcomeUnknown,
    PlutoraError,
    ValidationFailed,
    hide_library_frames,
)

if TYPE_CHECKING:
    from .client import ApiClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

log = logging.getLogger("PlutoraLibrary")

Record = dict[str, Any]


def prepared_body(
    schema: str, body: Mapping[str, Any], method: str, path: str, read_schema: str | None = None
) -> Record:
    """``body`` in the contract's spelling for input schema ``schema``: names matched ignoring
    case, the read-only ones (and those only ``read_schema``, the record as read, has)
    dropped. A name neither schema has, or a required field missing or empty, raises
    :class:`ValidationFailed` (nothing sent) listing what the record takes.

    Example: ``prepared_body("HostInput", {"Name": "web-1", "EnvironmentID": env_id}, "POST",
    "/hosts")`` → ``{'name': 'web-1', 'environmentID': '…'}``
    """
    if not isinstance(body, Mapping):
        raise ValueError(
            f"{method} {path}: the body must be a dictionary of field to value, not "
            f"{type(body).__name__}; nothing was sent."
        )
    known = {name.lower(): name for name in contract.properties("plutora", schema)}
    writable = set(contract.writable("plutora", schema))
    readable = (
        {name.lower() for name in contract.properties("plutora", read_schema)}
        if read_schema
        else set()
    )
    prepared: Record = {}
    unknown = []
    for key, value in body.items():
        name = known.get(str(key).lower())
        if name is None:
            if str(key).lower() not in readable:
                unknown.append(str(key))
            continue
        if name in writable:
            prepared[name] = value
    missing = [
        name
        for name in contract.required("plutora", schema)
        if prepared.get(name) is None or str(prepared.get(name)).strip() == ""
    ]
    problems = [f"'{name}' is not a field of this record" for name in unknown]
    problems += [f"'{name}' is required" for name in missing]
    if problems:
        takes = ", ".join(sorted(writable))
        whole = (
            " A PUT replaces the whole record: read it, change what should differ and send it "
            "all (e.g. {**client.system(id), 'description': 'x'}); the keywords do that for you."
            if method == "PUT" and missing
            else ""
        )
        raise ValidationFailed(
            method,
            path,
            0,
            "; ".join(problems),
            messages={"": problems},
            advice=f"Nothing was sent. The record takes: {takes} (required: "
            f"{', '.join(contract.required('plutora', schema))}).{whole}",
        )
    return prepared


def create(
    client: ApiClient,
    path: str,
    body: Mapping[str, Any] | None,
    label: str,
    matching: Callable[[], list[Record]],
    files: Mapping[str, Any] | None = None,
    deletable: bool = True,
    form: bool = False,
    read: Callable[[Record], Record] | None = None,
    registry_label: str | Callable[[Record], str] | None = None,
) -> Record:
    """POST ``body`` (JSON, or with ``form`` a form; None: no body) or ``files`` (multipart) to
    ``path`` once,
    through the generic call (contract validation, the created-records registry).

    ``matching()`` lists the records on the site that look like the one being created (the
    same name, the same window, …). It is read once before sending, so that when the answer
    is lost the record this POST created can be told from one that was there already: only a
    single match that was not there before is taken (``read`` turns it into the record the
    POST would have answered) and remembered for clean-up (unless not ``deletable``). Anything
    else raises :class:`OutcomeUnknown`, saying that nothing was sent twice; a record that was
    there before is never adopted, nor deleted by the clean-up. ``registry_label``, when
    given, is how the created-records registry names the new record to a reader (instead of
    the generic call's label, which names only the path): a text, or a function of the record
    created.

    Example: ``create(client, "/hosts", body, "host web-1", matching=lambda: hosts_named())``
    """
    try:
        before: set[str] | None = {_match_key(record) for record in matching()}
    except PlutoraError as error:  # the POST is still worth sending; only its loss is blind
        log.info("Could not read the site before POST %s (%s).", path, error)
        before = None
    try:
        if files is not None:
            response = client.call("POST", path, files=files)
        elif form:
            response = client.call("POST", path, data=form_fields(dict(body or {})))
        elif body is None:  # the operation takes no body (its path says it all)
            response = client.call("POST", path)
        else:
            response = client.call("POST", path, json=dict(body or {}))
    except OutcomeUnknown as lost:
        found = _recovered(path, label, matching, before, lost)
        if read is not None:
            found = read(found)
        log.info("The answer to POST %s was lost, but a new %s is there: using it.", path, label)
        record_id = found.get("id")
        if record_id and deletable:
            client.created.add(
                f"{path.rstrip('/')}/{record_id}", _label_of(registry_label, found) or label
            )
        return found
    created = response.json
    if not isinstance(created, dict):
        return {}
    target = f"{path.rstrip('/')}/{created.get('id')}".lower()
    for item in client.created.newest_first():  # the generic call's label names only the path
        if item.path.lower() != target:
            continue
        if not deletable:  # what nothing deletes is not for the clean-up
            client.created.forget(item)
        elif registry_label is not None:
            wanted = _label_of(registry_label, created)
            if wanted and item.label != wanted:
                client.created.forget(item)
                client.created.add(item.path, wanted)
        break
    return dict(created)


def _label_of(registry_label: str | Callable[[Record], str] | None, record: Record) -> str | None:
    """The registry's label for ``record``: the text given, or the function's answer for it."""
    if registry_label is None or isinstance(registry_label, str):
        return registry_label
    return registry_label(record)


def _match_key(record: Record) -> str:
    """What tells one matching record from another: its id (a release system: its system)."""
    return str(record.get("id") or record.get("systemId") or sorted(record.items())).lower()


def _recovered(
    path: str,
    label: str,
    matching: Callable[[], list[Record]],
    before: set[str] | None,
    lost: OutcomeUnknown,
) -> Record:
    """The one record that matches now and did not before the POST, or OutcomeUnknown."""
    if before is None:
        raise OutcomeUnknown(
            f"POST {path}: the answer was lost, so the outcome is unknown: {label} may exist. "
            "The site could not be read before sending, so a record found now could not be "
            "told from one that was there already. Nothing was sent twice: look it up before "
            "sending it again."
        ) from lost
    try:
        now = matching()
    except PlutoraError as error:
        raise OutcomeUnknown(
            f"POST {path}: the answer was lost, so the outcome is unknown: {label} may "
            f"exist. Reading the site back failed too ({error}). Nothing was sent twice: "
            "look it up before sending it again."
        ) from error
    new = [record for record in now if _match_key(record) not in before]
    if len(new) == 1:
        return dict(new[0])
    if not new:
        raise OutcomeUnknown(
            f"POST {path}: the answer was lost and reading the site back shows no new "
            f"{label} ({len(now)} that were there before). Nothing was sent twice. The server "
            "may still take it: look it up before sending it again."
        ) from lost
    raise OutcomeUnknown(
        f"POST {path}: the answer was lost and {len(new)} new records like {label} appeared "
        "since (another process writes too): which one is this call's is unknown. Nothing "
        "was sent twice: look them up before sending it again."
    ) from lost


def form_fields(body: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """A body as form fields the way ASP.NET's form binder (and the vendor's Cypress suite)
    spells nested values: ``systems[0][systemId]``; booleans ``true``/``false``; None empty.

    Example: ``form_fields({"a": [{"b": True}]})`` → ``[('a[0][b]', 'true')]``
    """
    fields: list[tuple[str, str]] = []
    for key, value in body.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            fields += form_fields(value, name)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    fields += form_fields(item, f"{name}[{index}]")
                else:
                    fields.append((f"{name}[{index}]", _form_value(item)))
        else:
            fields.append((name, _form_value(value)))
    return fields


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def replace(
    client: ApiClient,
    path: str,
    body: Mapping[str, Any],
    verify: bool,
    read_back: Callable[[], Record],
    compare: Mapping[str, Any] | None = None,
) -> Record | None:
    """PUT ``body`` to ``path`` (the transport may repeat a PUT whose answer was lost: the
    same body twice does no harm). Returns None (the API answers 204), or with ``verify``
    the record read back, after comparing each field sent, or those of ``compare``
    (:class:`ChangeNotPersisted`).

    Example: ``replace(client, f"/hosts/{host_id}", body, True, lambda: client.host(host_id))``
    """
    client.call("PUT", path, json=dict(body))
    if not verify:
        return None
    current = read_back()
    differences = differences_of(body if compare is None else compare, current)
    if differences:
        raise ChangeNotPersisted(
            f"PUT {path} was accepted, but reading the record back shows "
            + "; ".join(differences)
            + ". Another user or an automation may have changed it; read it and try again."
        )
    return current


def delete(client: ApiClient, path: str) -> None:
    """DELETE ``path``; a repeat after a lost answer that finds it gone counts as done.

    Example: ``delete(client, f"/hosts/{host_id}")``
    """
    client.call("DELETE", path)
    for item in client.created.newest_first():
        if item.path.lower() == path.lower():
            client.created.forget(item)


def differences_of(sent: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Each field of ``sent`` whose value ``current`` does not show: ``name: sent 'a', read
    'b'``. Ids compare ignoring case; ``"true"`` equals True; a date alone equals its
    midnight; a missing value equals an empty one.

    Example: ``differences_of({"name": "a"}, {"name": "b"})`` → ``["name: sent 'a', read 'b'"]``
    """
    found = []
    for name, value in sent.items():
        if name == "id" or isinstance(value, (list, dict)):
            continue
        if not same(value, current.get(name)):
            found.append(f"{name}: sent {value!r}, read {current.get(name)!r}")
    return found


def same(sent: Any, read: Any) -> bool:
    """Whether a value read back is the value sent, as the API converts it.

    Example: ``same("true", True)`` → True
    """
    if sent in (None, "") and read in (None, ""):
        return True
    if isinstance(read, bool) or isinstance(sent, bool):
        return str(sent).strip().lower() == str(read).strip().lower()
    if isinstance(read, (int, float)) and not isinstance(read, bool):
        try:
            return float(sent) == float(read)
        except (TypeError, ValueError):
            return False
    if read is None or sent is None:
        return False
    sent_text, read_text = str(sent).strip(), str(read).strip()
    if _GUID.match(sent_text) and _GUID.match(read_text):
        return sent_text.lower() == read_text.lower()
    sent_moment, read_moment = _moment(sent_text), _moment(read_text)
    if sent_moment is not None and read_moment is not None:  # as Json.NET binds a DateTime
        return sent_moment == read_moment
    return sent_text == read_text


def _moment(text: str) -> datetime | None:
    """An ISO 8601 date or date-time as the API binds it (a date alone is midnight, missing
    seconds are 0, a seven-digit fraction cut to six); None for any other text."""
    if not _DATE_TIME.match(text):
        return None
    cut = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        moment = datetime.fromisoformat(cut)
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.utcoffset() in (None, timedelta(0)) else moment


_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")
