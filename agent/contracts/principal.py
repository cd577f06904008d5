"""Who is asking, and what the workspace grants them.

A principal is a rep or a manager of one tenant. It reaches the deals it owns, the deals
granted to it, and, as a manager, its team's deals; it coaches itself and, as a manager, its
team. The grants live in the workspace (`org/access.yaml`), not in the request, so a caller
cannot widen its own reach. No principal at all is the local single-user mode: everything in
the workspace is reachable, as before authorisation existed.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field

from agent.contracts.base import Contract
from agent.errors import InvalidInput

Role = Literal["rep", "manager"]
LOCAL_TENANT = "local"
_NAME = re.compile(r"[A-Za-z0-9_@-][A-Za-z0-9._@-]{0,63}")
NAME_RULE = "letters, digits, '-', '_', '@' and '.' (not first), at most 64 characters"


class Principal(Contract):
    """The one asking: an id (a rep's or a manager's), its tenant, and the roles it claims.
    A role grants nothing by itself: a manager's team comes from the workspace's grants."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_NAME.pattern)
    tenant: str = Field(default=LOCAL_TENANT, pattern=_NAME.pattern)
    roles: tuple[Role, ...] = ("rep",)

    @classmethod
    def parse(cls, text: str, where: str = "--as") -> Principal:
        """`rep-priya` or `acme/rep-priya` (tenant/id), as typed on a command line or in
        COACH_PRINCIPAL."""
        tenant, _, ident = text.strip().rpartition("/")
        for part in (ident, *([tenant] if tenant else [])):
            if _NAME.fullmatch(part) is None:
                shown = text[:40] + ("…" if len(text) > 40 else "")
                raise InvalidInput(
                    f"'{shown}' is not a principal",
                    where=where,
                    fix=f"Use an id or tenant/id, each {NAME_RULE}",
                )
        return cls(id=ident, tenant=tenant or LOCAL_TENANT)

    @property
    def key(self) -> str:
        """Where its threads and memory are kept apart from everyone else's."""
        return f"{self.tenant}/{self.id}"


class AccessGrants(Contract):
    """`org/access.yaml`: which reps each manager leads, and deals granted beyond ownership.

    tenant: local                   # the tenant this workspace belongs to
    managers:
      mgr-sara: [rep-priya, rep-tom]
    deals:
      rep-maya: [D-1003]            # a principal id -> extra deal ids
    """

    tenant: str = Field(default=LOCAL_TENANT, pattern=_NAME.pattern)
    managers: dict[str, list[str]] = Field(default_factory=dict)
    deals: dict[str, list[str]] = Field(default_factory=dict)


class Access:
    """What one principal may reach under a workspace's grants (None: everything)."""

    def __init__(self, principal: Principal | None, grants: AccessGrants) -> None:
        self.principal = principal
        self.grants = grants

    @property
    def everything(self) -> bool:
        return self.principal is None

    def _own(self) -> bool:
        return self.principal is not None and self.principal.tenant == self.grants.tenant

    def team(self) -> set[str]:
        """The reps this principal may coach and whose deals it reaches: itself and, as a
        manager, the reps the workspace lists under it."""
        if self.principal is None or not self._own():
            return set()
        return {self.principal.id, *self.grants.managers.get(self.principal.id, [])}

    def may_coach(self, rep_id: str) -> bool:
        return self.everything or rep_id in self.team()

    def may_reach(self, deal_id: str, owner_id: str | None) -> bool:
        if self.principal is None:
            return True
        if not self._own():
            return False
        granted = self.grants.deals.get(self.principal.id, [])
        return deal_id in granted or (owner_id is not None and owner_id in self.team())
