"""A release's framework: its phases and gates, and the activities and criteria on them."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .types import ActivityStatus, member_of


class ReleaseFrameworkKeywords:
    """Keywords about the phases, gates and activities of a release."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["releases", "lookups"])
    def get_phase_names(self) -> list[dict[str, Any]]:
        """Returns the names a release phase may take (``WorkItemNames/Phases``), each with
        ``id`` and ``name``.

        | ${names} =     | Get Phase Names |
        | Should Not Be Empty | ${names} |
        """
        return self.context.plutora.phase_names()

    @keyword(tags=["releases", "lookups"])
    def get_gate_names(self) -> list[dict[str, Any]]:
        """Returns the names a release gate may take (``WorkItemNames/Gates``), each with
        ``id`` and ``name``.

        | ${names} =     | Get Gate Names |
        | Should Not Be Empty | ${names} |
        """
        return self.context.plutora.gate_names()

    @keyword(tags=["releases"])
    def get_release_phases(self, release_id: str) -> list[dict[str, Any]]:
        """Returns the phases of a release in start order, each with ``id``,
        ``workItemName`` (its name), ``workItemNameID``, ``startDate`` and ``endDate``.

        | ${phases} =    | Get Release Phases | ${id} |
        | Should Not Be Empty | ${phases} |
        """
        return self.context.plutora.release_phases(release_id)

    @keyword(tags=["releases"])
    def get_release_phase(self, release_id: str, phase: str) -> dict[str, Any]:
        """Returns one phase of a release, by its name or id; an unknown one fails, naming
        the release's phases.

        | ${phase} =     | Get Release Phase | ${id} | ${phase} |
        | Should Be Equal | ${phase}[workItemName] | ${phase_name} |
        """
        return self.context.plutora.release_phase(release_id, phase)

    @keyword(tags=["releases"])
    def get_release_gate(self, release_id: str, gate: str) -> dict[str, Any]:
        """Returns one gate of a release, by its name or id.

        | ${gate} =      | Get Release Gate | ${id} | Go/No-Go |
        | Should Be Equal | ${gate}[workItemName] | Go/No-Go |
        """
        return self.context.plutora.release_gate(release_id, gate)

    @keyword(tags=["releases"])
    def get_release_activity(self, release_id: str, activity_id: str) -> dict[str, Any]:
        """Returns one activity (or criterion) of a release; an unknown id fails.

        | ${one} =       | Get Release Activity | ${id} | ${activity} |
        | Should Be Equal | ${one}[id] | ${activity} |
        """
        return self.context.plutora.release_activity(release_id, activity_id)

    @keyword(tags=["releases"])
    def get_release_gates(self, release_id: str) -> list[dict[str, Any]]:
        """Returns the gates of a release in start order, with the fields of a phase.

        | ${gates} =     | Get Release Gates | ${id} |
        | Should Not Be Empty | ${gates} |
        """
        return self.context.plutora.release_gates(release_id)

    @keyword(tags=["releases", "writes"])
    def add_phase_to_release(
        self, release_id: str, name: str, start: str, end: str, **fields: Any
    ) -> dict[str, Any]:
        """Adds a phase to a release: ``name`` one of `Get Phase Names` (any case, or its
        id), ``start`` and ``end`` ISO 8601 (a date alone is midnight). A name the site does
        not have, one the release has already, or an end before the start fails before
        anything is sent. Returns the phase with its ``id``; remembered for `Delete Created
        Items`.

        | ${phase} =     | Add Phase To Release | ${id} | Post Implementation Review | 2026-04-01 | 2026-04-10T17:00 |
        | Should Be Equal | ${phase}[startDate] | 2026-04-01T00:00:00 |
        """
        return self.context.plutora.add_release_phase(release_id, name, start, end, **fields)

    @keyword(tags=["releases", "writes"])
    def add_gate_to_release(
        self, release_id: str, name: str, start: str, end: str, **fields: Any
    ) -> dict[str, Any]:
        """Adds a gate to a release, as `Add Phase To Release` with a name of `Get Gate
        Names`. Returns the gate with its ``id``.

        | ${gate} =      | Add Gate To Release | ${id} | Test Exit | 2026-04-10 | 2026-04-10T12:00 |
        | Should Be Equal | ${gate}[workItemName] | Test Exit |
        """
        return self.context.plutora.add_release_gate(release_id, name, start, end, **fields)

    @keyword(tags=["releases", "writes"])
    def update_release_phase(
        self, release_id: str, phase: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named of a phase (given by name or id): ``startDate``,
        ``endDate``, or ``name`` (another phase name). Returns nothing, or with
        ``verify=True`` the phase read back.

        | ${moved} =     | Update Release Phase | ${id} | Post Implementation Review | endDate=2026-04-20 | verify=${True} |
        | Should Be Equal | ${moved}[endDate] | 2026-04-20T00:00:00 |
        """
        return self.context.plutora.update_release_phase(release_id, phase, changes, verify)

    @keyword(tags=["releases", "writes"])
    def update_release_gate(
        self, release_id: str, gate: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named of a gate (given by name or id), as `Update Release
        Phase`.

        | ${moved} =     | Update Release Gate | ${id} | Test Exit | endDate=2026-04-10T15:00 | verify=${True} |
        | Should Be Equal | ${moved}[endDate] | 2026-04-10T15:00:00 |
        """
        return self.context.plutora.update_release_gate(release_id, gate, changes, verify)

    @keyword(tags=["releases", "writes"])
    def remove_phase_from_release(self, release_id: str, phase: str) -> None:
        """Takes a phase (by name or id) out of a release. A phase that still has
        activities fails before anything is sent, naming them: delete them first.

        | Remove Phase From Release | ${id} | Post Implementation Review |
        """
        self.context.plutora.remove_release_phase(release_id, phase)

    @keyword(tags=["releases", "writes"])
    def remove_gate_from_release(self, release_id: str, gate: str) -> None:
        """Takes a gate (by name or id) out of a release, as `Remove Phase From Release`.

        | Remove Gate From Release | ${id} | Test Exit |
        """
        self.context.plutora.remove_release_gate(release_id, gate)

    @keyword(tags=["releases"])
    def get_release_activities(self, release_id: str) -> list[dict[str, Any]]:
        """Returns the activities (on phases) and criteria (on gates) of a release, each
        with ``id``, ``title``, ``type``, ``status``, ``assignedWorkItem`` (its phase or
        gate), ``assignedToID`` and the dates.

        | ${activities} = | Get Release Activities | ${id} |
        | Should Not Be Empty | ${activities} |
        """
        return self.context.plutora.release_activities(release_id)

    @keyword(tags=["releases", "writes"])
    def add_release_activity(
        self, release_id: str, title: str, work_item: str, **fields: Any
    ) -> dict[str, Any]:
        """Adds an activity to a phase, or a criterion to a gate, of the release
        (``work_item``: its name or id). ``fields`` are more of the activity's: ``status``
        (NotStarted, InProgress, Completed), ``assignedToID`` (a user's id, see `Get Id By
        Name`), ``startDate``, ``endDate``, ``description``, …. Returns the activity with
        its ``id``; remembered for `Delete Created Items`.

        | ${activity} =  | Add Release Activity | ${id} | Smoke tests | ${phase} | status=InProgress |
        | Should Be Equal | ${activity}[assignedWorkItem] | ${phase} |
        """
        return self.context.plutora.add_release_activity(release_id, title, work_item, **fields)

    @keyword(tags=["releases", "writes"])
    def update_release_activity(
        self, release_id: str, activity_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named of an activity (read, changed, sent back); ``workItem``
        moves it to another phase or gate by name or id. Returns nothing, or with
        ``verify=True`` the activity read back.

        | ${changed} =   | Update Release Activity | ${id} | ${activity} | description=Checked by CI | verify=${True} |
        | Should Be Equal | ${changed}[description] | Checked by CI |
        """
        return self.context.plutora.update_release_activity(
            release_id, activity_id, changes, verify
        )

    @keyword(tags=["releases", "writes"])
    def set_activity_status(
        self, release_id: str, activity_id: str, status: ActivityStatus, verify: bool = False
    ) -> dict[str, Any] | None:
        """Sets an activity's or criterion's status: ``NotStarted``, ``InProgress`` or
        ``Completed`` (spaces and case do not matter). A criterion Completed passes its
        gate's check. Returns nothing, or with ``verify=True`` the activity read back.

        | ${done} =      | Set Activity Status | ${id} | ${activity} | Completed | verify=${True} |
        | Should Be Equal | ${done}[status] | Completed |
        """
        return self.context.plutora.set_activity_status(
            release_id, activity_id, member_of(ActivityStatus, status).value, verify
        )

    @keyword(tags=["releases", "writes"])
    def delete_release_activity(self, release_id: str, activity_id: str) -> None:
        """Deletes an activity or criterion of a release.

        | Delete Release Activity | ${id} | ${activity} |
        """
        self.context.plutora.delete_release_activity(release_id, activity_id)

    @keyword(tags=["releases", "bookings", "writes"])
    def book_environment_for_phase(
        self, release_id: str, phase: str, environment: str
    ) -> dict[str, Any]:
        """Books an environment (its name or id) for a phase of a release (its name or id)
        for the phase's dates; returns the booking (``status`` Approved when the
        environment's group approves bookings on its own, else Pending). Sent once; an
        environment already booked for the phase fails (``BusinessRuleViolation``).

        | ${booking} =   | Book Environment For Phase | ${id} | ${phase} | SIT1 |
        | Should Be Equal | ${booking}[phaseId] | ${phases}[0][id] |
        """
        return self.context.plutora.book_environment_for_phase(release_id, phase, environment)
