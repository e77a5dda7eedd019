"""What a CI deploy writes to Plutora: environments and hosts (create, replace, delete) and
environment health checks with their log files.

The client's methods (:meth:`PlutoraClient.create_environment
<.plutora.PlutoraClient.create_environment>` and its neighbours) call these; each keeps the
rules of :mod:`.writes`. Example::

    sit = client.create_environment({"name": "SIT9", "usageWorkItemId": dev,
                                     "environmentStatusId": active})
    client.record_health_check(sit["id"], "Online", "smoke", log_file="smoke.log")
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .errors import ValidationFailed, hide_library_frames
from .writes import Record, create, delete, prepared_body, replace

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The health values and their names (docs/contract-decisions.md, "Environment health checks").
HEALTH = {"unknown": 0, "online": 1, "offline": 2, "issue": 3}
#: The largest log file sent (the simulator's and, as decided, the service's limit).
MAX_LOG_BYTES = 1024 * 1024
_HEALTH_PATH = "/environmentHealthCheck"


# -- environments ---------------------------------------------------------------------------


def create_environment(client: PlutoraClient, fields: Mapping[str, Any]) -> Record:
    """``POST /environments``; a lost answer is recovered by looking the name up."""
    body = prepared_body("EnvironmentInput", fields, "POST", "/environments", "Environment")
    name = str(body["name"])

    def matching() -> list[Record]:
        wanted = name.casefold()
        return [e for e in client.environments() if str(e.get("name", "")).casefold() == wanted]

    def read(found: Record) -> Record:
        return client.environment(str(found["id"]))

    label = f"environment {name}"
    return create(client, "/environments", body, label, matching, read=read)


def update_environment(
    client: PlutoraClient, environment_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /environments/{id}`` (204): None, or with ``verify`` the environment read back."""
    path = f"/environments/{path_segment(environment_id)}"
    body = prepared_body("EnvironmentInput", fields, "PUT", path, "Environment")
    return replace(client, path, body, verify, lambda: client.environment(environment_id))


def delete_environment(client: PlutoraClient, environment_id: str) -> None:
    """``DELETE /environments/{id}``: with its hosts and layers."""
    delete(client, f"/environments/{path_segment(environment_id)}")


# -- hosts -------------------------------------------------------------------------------------


def create_host(client: PlutoraClient, fields: Mapping[str, Any]) -> Record:
    """``POST /hosts``; a lost answer is recovered by reading the environment's hosts."""
    body = prepared_body("HostInput", fields, "POST", "/hosts", "Host")
    name, environment_id = str(body["name"]), str(body["environmentID"])

    def matching() -> list[Record]:
        hosts = client.environment(environment_id).get("hosts") or []
        return [h for h in hosts if str(h.get("name", "")).casefold() == name.casefold()]

    return create(client, "/hosts", body, f"host {name}", matching)


def update_host(
    client: PlutoraClient, host_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /hosts/{id}`` (204): None, or with ``verify`` the host read back."""
    path = f"/hosts/{path_segment(host_id)}"
    body = prepared_body("HostInput", fields, "PUT", path, "Host")
    return replace(client, path, body, verify, lambda: client.host(host_id))


def delete_host(client: PlutoraClient, host_id: str) -> None:
    """``DELETE /hosts/{id}``: with its layers."""
    delete(client, f"/hosts/{path_segment(host_id)}")


# -- health checks -----------------------------------------------------------------------------


def health_value(health: int | str) -> int:
    """A health as the API takes it: 0-3, or a name (Unknown, Online, Offline, Issue; any
    case). Anything else is a ``ValueError`` listing them.

    Example: ``health_value("Online")`` → 1
    """
    if isinstance(health, bool):
        raise ValueError(_HEALTH_HELP.format(health=health))
    if isinstance(health, int):
        number = health
    else:
        text = str(health).strip()
        if text.lower() in HEALTH:
            return HEALTH[text.lower()]
        if not text.isdigit():
            raise ValueError(_HEALTH_HELP.format(health=health))
        number = int(text)
    if not 0 <= number <= 3:
        raise ValueError(_HEALTH_HELP.format(health=health))
    return number


_HEALTH_HELP = (
    "The health must be 0 (Unknown), 1 (Online), 2 (Offline) or 3 (Issue), or one of those "
    "names, not {health!r}; nothing was sent."
)


def log_part(log_file: str | Path | bytes | tuple[str, bytes]) -> tuple[str, bytes]:
    """A log file as ``(name, content)``: from a path, bytes (named ``log.txt``) or a
    ``(name, content)`` pair; it must be UTF-8 text of at most 1 MiB (the help page: a text
    file attachment), else a ``ValueError`` saying so before anything is sent.

    Example: ``log_part("results/deploy.log")`` → ``('deploy.log', b'…')``
    """
    if isinstance(log_file, tuple) and len(log_file) == 2:
        name, content = str(log_file[0]), log_file[1]
        content = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    elif isinstance(log_file, bytes):
        name, content = "log.txt", log_file
    elif isinstance(log_file, (str, Path)):
        source = Path(log_file)
        if not source.is_file():
            raise ValueError(f"There is no log file {str(source)!r}; nothing was sent.")
        name, content = source.name, source.read_bytes()
    else:
        raise ValueError(
            "log_file must be a path, bytes or a (name, content) pair, not "
            f"{type(log_file).__name__}; nothing was sent."
        )
    if len(content) > MAX_LOG_BYTES:
        raise ValueError(
            f"The log file {name!r} has {len(content)} bytes; a health check takes at most "
            f"{MAX_LOG_BYTES} (1 MiB) of text. Send its end (the failure is usually there); "
            "nothing was sent."
        )
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"The log file {name!r} is not UTF-8 text; a health check takes a text file "
            "(the help page). Nothing was sent."
        ) from None
    return name, content


def record_health_check(
    client: PlutoraClient,
    environment_id: str,
    health: int | str,
    test_name: str,
    log_file: str | Path | bytes | tuple[str, bytes] | None = None,
) -> Record:
    """``POST /environmentHealthCheck`` as a multipart form (the fields, and the log file as
    a ``text/plain`` file part). Sent once: a lost answer is recovered from the environment's
    current status (the latest check of that test showing that health), else
    :class:`OutcomeUnknown`."""
    value = health_value(health)
    path_segment(environment_id)  # the same id check as any other
    name = str(test_name or "").strip()
    if not name or len(name) > 255:
        raise ValidationFailed(
            "POST",
            _HEALTH_PATH,
            0,
            "The test name is required (1 to 255 characters)",
            messages={"testName": ["The test name is required (1 to 255 characters)."]},
            advice="Nothing was sent. Pass the name of the check, e.g. 'smoke'.",
        )
    parts: dict[str, Any] = {
        "environmentId": (None, environment_id.strip().encode("utf-8")),
        "health": (None, str(value).encode("ascii")),
        "testName": (None, name.encode("utf-8")),
    }
    if log_file is not None:
        file_name, content = log_part(log_file)
        parts["logFile"] = (file_name, content, "text/plain; charset=utf-8")
    label = f"health check {name!r} of environment {environment_id}"

    def matching() -> list[Record]:
        return [
            dict(check)
            for check in current_health(client, [environment_id])
            if str(check.get("testName", "")).casefold() == name.casefold()
            and check.get("health") == value
        ]

    return create(client, _HEALTH_PATH, None, label, matching, files=parts, deletable=False)


def health_history(client: PlutoraClient, environment_ids: list[str]) -> list[Record]:
    """``POST /environmentHealthCheck/FullHistory``: every check, newest first."""
    return _health_read(client, "FullHistory", environment_ids)


def current_health(client: PlutoraClient, environment_ids: list[str]) -> list[Record]:
    """``POST /environmentHealthCheck/CurrentStatus``: the latest check per test name."""
    return _health_read(client, "CurrentStatus", environment_ids)


def _health_read(client: PlutoraClient, what: str, environment_ids: list[str]) -> list[Record]:
    ids = [environment_ids] if isinstance(environment_ids, str) else list(environment_ids)
    if not ids or len(ids) > 100:
        raise ValueError(
            f"Name 1 to 100 environment ids to read their health checks, not {len(ids)}."
        )
    for one in ids:
        path_segment(str(one))
    return client.listed("POST", f"{_HEALTH_PATH}/{what}", json={"environmentIds": ids})
