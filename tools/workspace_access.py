"""Who may reach a workspace's deals: a principal's view of the workspace (`scoped`), read
from org/access.yaml and each deal file's owner. Kept apart from what the workspace does with
its files (sources.py), so the rules a tenant's or a rep's isolation rests on are in one short
place."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Self

from agent.contracts.deal import Deal
from agent.contracts.principal import Access, AccessGrants, Principal
from agent.errors import DealNotFound, InvalidInput, clip
from tools.workspace_files import WorkspaceFiles, validate_file

if TYPE_CHECKING:
    from tools.catalogue import Entry


class WorkspaceAccess(WorkspaceFiles):
    """A workspace's files as one principal may see them: the whole workspace (the local
    single-user mode) until `scoped` gives a principal's view."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.access = Access(None, AccessGrants())  # everything: the local single-user mode
        self._scoped: dict[Principal, Self] = {}

    def deal_ids(self) -> list[str]:
        """The ids of the deals the principal may reach (the workspace lists them)."""
        raise NotImplementedError

    def scoped(self, principal: Principal | None) -> Self:
        """This workspace as one principal sees it: only the deals it may reach are listed or
        load; any other id is "not found", in the same words as an id that does not exist.
        Shares this source's parse cache; None is the whole workspace."""
        if principal is None:
            return self
        if principal not in self._scoped:
            view = copy.copy(self)
            view.access = Access(principal, self.grants())
            view._scoped = {}
            self._scoped[principal] = view
        return self._scoped[principal]

    def grants(self) -> AccessGrants:
        """org/access.yaml (managers and their reps, extra deal grants); none when absent."""
        path = self._found(self.root / "org", "access")
        if path is None:
            return AccessGrants()
        grants = validate_file(AccessGrants, self._parsed(path), str(path))
        assert isinstance(grants, AccessGrants)
        return grants

    def reachable(self, deal_id: str) -> bool:
        """Whether the principal may reach a deal, read from its file's owner (unvalidated,
        so an unreachable deal's problems are never reported to someone who may not see it)."""
        if self.access.everything:
            return True
        path = self._find(self.deal_folder(deal_id), "deal")
        data = self._parsed(path) if path else None
        owner = data.get("owner") if isinstance(data, dict) else None
        owner_id = owner.get("id") if isinstance(owner, dict) else None
        return self.access.may_reach(deal_id, owner_id if isinstance(owner_id, str) else None)

    def admit_inline(self, deal: Deal) -> None:
        """An inline deal (a request's body) may be acted on by this principal only as its own:
        an id that names a workspace deal the principal may not reach is refused exactly like
        an unknown id (so a caller cannot overwrite or learn of it); a new id must be owned by
        the principal (any tenant: the deal is the caller's own data), its team (as a manager)
        or granted to it, or it is refused naming the owner the caller itself sent. A request
        never lets one rep coach as another."""
        if self.access.everything:
            return
        folder = self.deal_folder(deal.id)
        if folder.is_dir() and self._find(folder, "deal") is not None:
            if not self.reachable(deal.id):
                raise DealNotFound(deal.id, str(self.root / "deals"), self.deal_ids())
            return
        principal = self.access.principal
        if principal is not None and deal.owner.id == principal.id:
            return  # its own deal, whatever tenant the workspace's grants name
        if not self.access.may_reach(deal.id, deal.owner.id):
            who = principal.key if principal else "?"
            raise InvalidInput(
                f"the inline deal's owner '{clip(deal.owner.id)}' is not '{who}' or a rep it "
                "may act for",
                where="request.deal.deal.owner.id",
                fix="Send a deal you own (or your team's), or ask for a grant in org/access.yaml",
            )

    def _visible(self, entry: Entry) -> bool:
        if self.access.everything:
            return True
        return not entry.unreadable and self.access.may_reach(entry.id, entry.owner_id)
