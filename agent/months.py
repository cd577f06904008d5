"""Month names as people write them: one table, and the patterns read from it, for every
reader of dates (agent/reading, the capabilities' own date checks). In the base layer so that
anything that reads text can use it.

The patterns are lower case and bare alternations: compile them with re.IGNORECASE, inside a
group. Longest first, so an alternation prefers "september" to "sept" to "sep", as a greedy
optional would.
"""

from __future__ import annotations

import calendar

# Every written form to its month number: full names, three-letter abbreviations and "sept".
_NAMES = tuple(m.lower() for m in calendar.month_name if m)
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_NAMES, start=1)}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
# Any written form: "January", "jan", "Sept".
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# Full names only, for a date written out in full ("9 April 2027"): an abbreviation is not one.
MONTH_NAME = "|".join(_NAMES)
