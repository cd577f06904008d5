"""Month names as people write them: one table, and the patterns read from it, for every
reader of dates (agent/reading, the capabilities' own date checks). In the base layer so that
anything that reads text can use it.

The patterns are lower case and bare alternations: compile them with re.IGNORECASE, inside a
group. Longest first, so an alternation prefers "september" to "sept" to "sep", as a greedy
optional would; `alternation` makes one of some of the forms, or of them as written.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable

# Every written form to its month number: full names, three-letter abbreviations and "sept".
_NAMES = tuple(m.lower() for m in calendar.month_name if m)
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_NAMES, start=1)}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}


def alternation(forms: Iterable[str]) -> str:
    """Written forms as one regex alternation, longest first, for a reader that takes some of
    them or takes them only as written (capitalised)."""
    return "|".join(sorted(forms, key=len, reverse=True))


# Any written form: "January", "jan", "Sept".
MONTH = alternation(MONTHS)
# Full names only, for a date written out in full ("9 April 2027"): an abbreviation is not one.
MONTH_NAME = "|".join(_NAMES)
