"""Systems (create, change, delete) and organizations (create, change, the tree)."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext


class SystemKeywords:
    """Keywords that create, change and delete systems, and create, change and read the tree
    of organizations."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["systems"])
    def get_systems(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every system (``id``, ``name``, ``vendor``, ``status``, ``organization``,
        …), optionally filtered.

        | ${systems} =    | Get Systems |
        | ${oracle} =     | Get Systems | \\`vendor\\` Equals \\`Oracle\\` |
        | Should Not Be Empty | ${oracle} |
        """
        return self.context.plutora.systems(filter)

    @keyword(tags=["systems"])
    def get_system(self, system_id: str) -> dict[str, Any]:
        """Returns a system: ``name``, ``vendor``, ``status``, ``organizationId``,
        ``organization``, ``description`` and its custom fields (``additionalInformation``).

        | ${id} =        | Get Id By Name | systems | Billing Engine |
        | ${system} =    | Get System | ${id} |
        | Should Be Equal | ${system}[vendor] | Oracle |
        """
        return self.context.plutora.system(system_id)

    @keyword(tags=["systems", "writes"])
    def create_system(
        self,
        name: str,
        vendor: str,
        organization_id: str,
        status: str = "Active",
        **fields: Any,
    ) -> dict[str, Any]:
        """Creates a system (``status`` Active or Inactive; ``organization_id`` the
        organization that owns it) and returns it with its ``id``; other fields as the API
        names them (``description``). A name another system has, or an organization the site
        does not have, is refused; the system is remembered for `Delete Created Items`.

        | ${top} =       | Get Organization Tree |
        | ${system} =    | Create System | Ledger | SAP | ${top}[id] | description=General ledger |
        | Should Be Equal | ${system}[organization] | ${top}[name] |
        """
        body = {
            "name": name,
            "vendor": vendor,
            "organizationId": organization_id,
            "status": status,
            **fields,
        }
        return self.context.plutora.create_system(body)

    @keyword(tags=["systems", "writes"])
    def update_system(
        self, system_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named of a system (it is read, changed and sent back, as the
        vendor's samples do; its custom fields are set with `Set Custom Fields`). Returns
        nothing, or with ``verify=True`` the system read back, each field sent compared.

        | ${system} =    | Update System | ${id} | status=Inactive | verify=${True} |
        | Should Be Equal | ${system}[status] | Inactive |
        """
        plutora = self.context.plutora
        body = {**plutora.system(system_id), **changes}
        return plutora.update_system(system_id, body, verify=verify)

    @keyword(tags=["systems", "writes"])
    def delete_system(self, system_id: str) -> None:
        """Deletes a system (the releases that hold it keep it). One that an environment is
        linked to is refused (``BusinessRuleViolation`` quoting the API).

        | Delete System | ${system}[id] |
        """
        self.context.plutora.delete_system(system_id)

    @keyword(tags=["organizations"])
    def get_organizations(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every organization (``id``, ``name``, ``type``), optionally filtered
        (`Get Organization Tree` for how they nest).

        | ${organizations} = | Get Organizations |
        | ${companies} =     | Get Organizations | \\`type\\` Equals \\`Company\\` |
        | Should Not Be Empty | ${companies} |
        """
        return self.context.plutora.organizations(filter)

    @keyword(tags=["organizations"])
    def get_organization(self, organization_id: str) -> dict[str, Any]:
        """Returns one organization: ``id``, ``name``, ``type``.

        | ${organizations} = | Get Organizations |
        | ${organization} =  | Get Organization | ${organizations}[0][id] |
        | Should Be Equal | ${organization}[name] | ${organizations}[0][name] |
        """
        return self.context.plutora.organization(organization_id)

    @keyword(tags=["organizations"])
    def get_organization_tree(self) -> dict[str, Any]:
        """Returns the organization tree: the top organization (``id``, ``name``, ``type``
        Company) with the organizations under it in ``children``, nested, each level by name.

        | ${top} =       | Get Organization Tree |
        | Should Be Equal | ${top}[type] | Company |
        | Should Not Be Empty | ${top}[children] |
        """
        return self.context.plutora.organization_tree()

    @keyword(tags=["organizations", "writes"])
    def create_organization(self, name: str, type: str, parent_id: str) -> dict[str, Any]:
        """Creates an organization of ``type`` Division or Department under the organization
        ``parent_id`` (the top's id: `Get Organization Tree`); returns it with its ``id``. A
        name another organization under the same parent has is refused. The API deletes no
        organization: it stays.

        | ${top} =       | Get Organization Tree |
        | ${team} =      | Create Organization | Payments QA | Department | ${top}[id] |
        | Should Be Equal | ${team}[type] | Department |
        """
        body = {"name": name, "type": type, "parentId": parent_id}
        return self.context.plutora.create_organization(body)

    @keyword(tags=["organizations", "writes"])
    def update_organization(
        self, organization_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Renames an organization, changes its ``type``, or with ``parentId`` moves it under
        another (never under itself or one of its own). Returns nothing, or with
        ``verify=True`` the organization read back (its place in the tree checked too).

        | ${org} =       | Update Organization | ${id} | name=Quality Guild | verify=${True} |
        | Should Be Equal | ${org}[name] | Quality Guild |
        """
        plutora = self.context.plutora
        body = {**plutora.organization(organization_id), **changes}
        return plutora.update_organization(organization_id, body, verify=verify)
