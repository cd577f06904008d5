"""What a deal id may be: the one check every id passes before it names a folder under deals/
or an inline deal.

The workspace, the catalogue, the CRM import and every interface that takes an id from a
caller check it the same way, so an id can never climb out of deals/ or hide there, and every
refusal reads the same.
"""

from __future__ import annotations

import re

from agent.errors import InvalidInput

# A deal id names a folder under deals/: letters, digits, '-', '_' and '.', never a leading
# '.', at most 64 characters. So an id can never climb out of deals/ ('../x', '/etc') nor hide.
DEAL_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
DEAL_ID_RULE = "letters, digits, '-', '_' and '.' (not first), at most 64 characters"


def check_deal_id(deal_id: str, where: str = "deal id") -> str:
    """The one check every deal id passes before it names a folder or an inline deal."""
    if not isinstance(deal_id, str) or DEAL_ID.fullmatch(deal_id) is None:
        shown = (
            repr(deal_id[:40] + ("…" if len(deal_id) > 40 else ""))
            if isinstance(deal_id, str)
            else type(deal_id).__name__
        )
        raise InvalidInput(
            f"{shown} is not a valid deal id", where=where, fix=f"Use {DEAL_ID_RULE}"
        )
    return deal_id
