"""An environment booked for a release's phase (the vendor's API suite: ``POST
/releases/{id}/phases/{phaseId}/environments/{environmentId}``, no body): the booking covers
the phase's dates, shows in ``GET /Bookings`` with its ``releaseId`` and ``phaseId``, and is
Approved at once when the environment is in a group that approves bookings on its own, else
Pending.

Sent once (:func:`.writes.create`): a lost answer is recovered by reading the phase's
bookings of that environment back. Example::

    booking = client.book_environment_for_phase(release_id, "SIT", "SIT1")
    booking["status"]    # 'Pending' or 'Approved'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .client import path_segment
from .errors import hide_library_frames
from .filters import where
from .release_framework import release_item
from .tebrs import iter_bookings
from .writes import Record, create

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def book_environment_for_phase(
    client: PlutoraClient, release_id: str, phase: str, environment: str
) -> Record:
    """Book ``environment`` (a name or id) for the release's ``phase`` (a name or id); the
    booking made. A phase the release does not have fails before sending, naming its phases;
    an environment already booked for it is refused by the API (a business rule)."""
    phase_record = release_item(client, release_id, "phase", phase)
    phase_id = str(phase_record["id"])
    environment_id = (
        environment.strip()
        if _GUID.match(str(environment).strip())
        else client.id_of("environments", environment)
    )
    path = (
        f"/releases/{path_segment(release_id)}/phases/{path_segment(phase_id)}"
        f"/environments/{path_segment(environment_id)}"
    )
    label = f"booking of {environment} for phase {phase_record.get('workItemName')}"

    def matching() -> list[Record]:
        found = where("phaseId").equals(phase_id) & where("environmentId").equals(environment_id)
        return [b for b in iter_bookings(client, found, 100) if b.get("status") != "Rejected"]

    return create(client, path, None, label, matching, deletable=False)
