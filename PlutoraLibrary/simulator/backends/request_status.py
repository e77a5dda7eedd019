"""What a TECR's and a TEBR's ``PUT`` share: the status the body asks for (by name, by id,
or both when they agree) and the move checked against the contract's ``x-transitions``.

Example::

    wanted = wanted_status(body, model, "crStatus", "crStatusId", STATUS_IDS, "TECR")
    check_move("TECR", current, wanted, TRANSITIONS)
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ModelState, RulesBroken
from .records import Record, text


def wanted_status(
    body: Record,
    model: ModelState,
    status_field: str,
    id_field: str,
    ids: Mapping[str, str],
    label: str,
) -> str | None:
    """The status ``body`` asks for, by name (``status_field``) or by id (``id_field``, one
    of ``ids``' values); an unknown id, or an id and a name that disagree, is added to
    ``model``. None when the body asks for none."""
    wanted = text(body, status_field)
    status_id = text(body, id_field)
    if not status_id:
        return wanted
    named = next((name for name, i in ids.items() if i == status_id.lower()), None)
    if named is None:
        model.add(id_field, f"No {label} status has the id '{status_id}'.")
    elif wanted is not None and named != wanted:
        model.add(
            id_field,
            f"{id_field} is the id of {named}, but {status_field} says {wanted}: send one of "
            "them, or both for the same status.",
        )
    else:
        return named
    return wanted


def check_move(
    label: str, current: str, wanted: str | None, transitions: Mapping[str, tuple[str, ...]]
) -> None:
    """A move the contract does not allow is a business rule (400); a status to itself or no
    status asked for is always allowed."""
    if wanted is None or wanted == current or wanted in transitions.get(current, ()):
        return
    allowed = transitions.get(current, ())
    where = f"from {current}: {', '.join(allowed)}" if allowed else f"{current} is final"
    raise RulesBroken([f"A {label} cannot go from {current} to {wanted} ({where})."])
