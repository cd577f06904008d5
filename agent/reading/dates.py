"""When the words say something happens or takes: a date ("booked for Thursday", "until
March", "Q3", "first Tuesday of July") and a duration ("six to eight weeks").

Every reader of plans, constraints, departures and reports needs the same reading of a date, so
it lives once here. Dates are read relative to the text's own date (a note's, an activity's,
the call's), so "booked for Thursday" means the Thursday after it was written; a report of what
already happened reads them backwards (resolve_past).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from agent.months import MONTH, MONTHS
from agent.reading.commitments import resolve_date

_DAY_MONTH = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{MONTH})\.?(?:\s+(?P<y>\d{{4}}))?\b", re.I
)
_MONTH_ONLY = re.compile(
    rf"\b(?:(?:in|until|till|through|after|before|by|from)\s+(?:early |mid-|late |"
    rf"end of )?|(?P<at>at the end of ))(?P<m>{MONTH})\b"
    rf"(?:\s+(?P<y>\d{{4}}))?",
    re.I,
)
_QUARTER = re.compile(
    r"\b(?:Q(?P<q>[1-4])|(?:the )?(?P<ord>first|second|third|fourth) quarter|"
    r"(?P<next>next) quarter)\b(?:\s+(?:of\s+)?(?P<y>\d{4}))?",
    re.I,
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
        + ("ten", "eleven", "twelve")
    )
}
COUNT = r"\d{1,3}|" + "|".join(NUMBER_WORDS)
# A duration, said as one: "takes six to eight weeks", "within 20 working days", "a 4-week
# review", "for two months"; not "12 months' fees" or "a 3-year term".
_WEEKS = re.compile(
    r"(?:\b(?:takes?|took|taking|lasts?|within|for|about|around|roughly|up to|allow|needs?|"
    r"requires?|typically|usually|at least|is|are|runs?|expects?|expected|estimated at|"
    r"estimates?|quoted)\s+(?:about\s+|around\s+|up to\s+|roughly\s+)?|"
    r"\b(?:a|an)\s+)?"
    rf"\b(?P<a>{COUNT})(?:\s*(?:-|–|to|or)\s*(?P<b>{COUNT}))?[\s-]*(?P<unit>weeks?|"
    r"(?:working |business )?days?|months?)\b(?!')"
    r"(?!\s+(?:ago|away|late|behind|overdue|old)\b)"
    r"(?P<after>\s+(?:review|process|assessment|lead time|to (?:complete|close|run|review|"
    r"approve|sign)|from|before|after|once|of (?:review|legal|security|procurement)))?",
    re.I,
)
TAKES = re.compile(
    r"\b(?:takes?|will take|usually|typically|lasts|lasted|(?:will|to) last|need(?:s)?)\b", re.I
)


# A weekday written with its date ("Tuesday 1 December", "Monday the 30th"): the date decides.
_WEEKDAY_DATED = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?=(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?"
    r"\b(?![:.]\d|\s*(?:am|pm|h|hrs?|hours?|mins?|minutes?|weeks?|days?)\b)|"
    rf"(?:{MONTH})\.?\s+\d)",
    re.I,
)
# A committee's day named by its place in a month: "first Tuesday of July", "the last Friday in
# March 2027"; read before a bare weekday ("Tuesday") is taken as the next one.
_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_NTH_WEEKDAY = re.compile(
    r"\b(?P<n>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+"
    r"(?P<wd>(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+(?:of|in)\s+(?:the\s+month\s+of\s+)?"
    rf"(?P<m>{MONTH})\b\.?(?:,?\s+(?P<y>\d{{4}}))?",
    re.I,
)


def _nth_weekday(m: re.Match[str], on: dt.date) -> dt.date:
    """'first Tuesday of July': that day of the next such month (this year's if not passed)."""
    month = MONTHS[m.group("m").lower()]
    weekday = [d.lower() for d in calendar.day_name].index(m.group("wd").lower())
    n = m.group("n").lower()

    def day_in(year: int) -> dt.date:
        days = [
            d
            for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if dt.date(year, month, d).weekday() == weekday
        ]
        return dt.date(year, month, days[-1] if n == "last" else days[_NTH[n] - 1])

    if m.group("y"):
        return day_in(int(m.group("y")))
    found = day_in(on.year)
    return found if found >= on else day_in(on.year + 1)


# A day and month without a year that passed this recently is this year's ("the demo on
# 2 November" in a note of 18 November), unless the words look ahead ("frozen until ...").
RECENT_PAST_DAYS = 62
_AHEAD_WORDS = ("until", "till", "through", "by", "after", "from", "next")
_AHEAD = re.compile(rf"\b(?:{'|'.join(_AHEAD_WORDS)})\s+(?:the\s+)?$", re.I)


def _this_year_if_recent(found: dt.date, text: str, at: int, on: dt.date) -> dt.date:
    """`found` (the date's words start at `at`), a year earlier when that passed lately."""
    first = text[at:].split(" ", 1)[0].lower()  # the words may start "by the 2nd of ..."
    ahead = _AHEAD.search(text[max(0, at - 12) : at]) or first in _AHEAD_WORDS
    if found.year <= on.year or ahead:
        return found
    try:
        earlier = found.replace(year=found.year - 1)
    except ValueError:  # 29 February
        return found
    return earlier if (on - earlier).days <= RECENT_PAST_DAYS else found


def resolve_when(text: str, on: dt.date) -> dt.date | None:
    """The first date the words name, relative to `on`: ISO dates, 'the 25th', 'Friday',
    'tomorrow', '14 January', 'first Tuesday of July', 'until March', 'Q3', 'next quarter'. A
    day and month without a year is the next one, unless it passed within the last two months
    and nothing says 'until' ('booked for 2 November' in a note of 18 November is this year's)."""
    if (m := _NTH_WEEKDAY.search(text)) is not None and resolve_when(text[: m.start()], on) is None:
        return _nth_weekday(m, on)
    text = _WEEKDAY_DATED.sub("on ", text)
    found, words = resolve_date(text, on)
    if found is not None:
        if words and re.search(MONTH, words, re.I) and not re.search(r"\d{4}", words):
            found = _this_year_if_recent(found, text, text.find(words), on)
        return found
    if (m := _DAY_MONTH.search(text)) is not None:
        month, day = MONTHS[m.group("m").lower()], int(m.group("d"))
        year = int(m.group("y")) if m.group("y") else on.year + ((month, day) < (on.month, on.day))
        try:
            found = dt.date(year, month, day)
        except ValueError:
            return None
        return found if m.group("y") else _this_year_if_recent(found, text, m.start(), on)
    if (m := _MONTH_ONLY.search(text)) is not None:
        month = MONTHS[m.group("m").lower()]
        year = int(m.group("y")) if m.group("y") else on.year + (month < on.month)
        ended = dt.date(on.year, month, calendar.monthrange(on.year, month)[1])
        if (
            not m.group("y")
            and m.group(0).lower().startswith(("in ", "at "))
            and 0 < (on - ended).days <= RECENT_PAST_DAYS
        ):
            year = on.year  # "left the business in October", written in November
        if m.group("at"):  # "leaving at the end of October": a day, its last one
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, month, 1)
    if (m := _QUARTER.search(text)) is not None:
        if m.group("next"):
            q = (on.month - 1) // 3 + 2
            year = on.year + (q > 4)
            q = q - 4 if q > 4 else q
        else:
            q = int(m.group("q")) if m.group("q") else _ORDINAL[m.group("ord").lower()]
            year = int(m.group("y")) if m.group("y") else on.year + ((q - 1) * 3 + 1 < on.month)
        return dt.date(year, (q - 1) * 3 + 1, 1)
    return None


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_MONTH_NAMED = re.compile(rf"\b(?:{MONTH})\b", re.I)


def resolve_past(text: str, written: dt.date) -> dt.date | None:
    """The first date the words name in a report of what already happened: 'on 3 Nov' written
    on 4 Nov is the 3 Nov just gone, 'on Tuesday' the Tuesday before, 'the 25th' last month's.
    resolve_when reads dates forward (for plans); a report looks back. A date with its year
    written is taken as written, so a plan for a later date stays later."""
    found = resolve_when(text, written)
    if found is None or found <= written or _YEAR.search(text):
        return found
    ahead = (found - written).days
    named_month = _MONTH_NAMED.search(text) is not None
    if ahead <= 7 and not named_month:  # a weekday
        return found - dt.timedelta(days=7)
    if ahead <= 31 and not named_month:  # "the 25th"
        year, month = (found.year - 1, 12) if found.month == 1 else (found.year, found.month - 1)
        if found.day <= calendar.monthrange(year, month)[1]:
            return found.replace(year=year, month=month)
    try:
        back = found.replace(year=found.year - 1)
    except ValueError:  # 29 February
        return None
    return back if back <= written else None


def weeks_in(text: str) -> tuple[float, float] | None:
    """A duration the text gives ('6-8 weeks', '20 working days', 'three months' is not read)."""
    m = next(
        (
            m
            for m in _WEEKS.finditer(text)
            if m.group(0)[: m.start("a") - m.start()].strip() or m.group("after")
        ),
        None,
    )
    if m is None:
        return None

    def count(word: str) -> float:
        return float(NUMBER_WORDS.get(word.lower(), 0) if not word.isdigit() else word)

    low, high = count(m.group("a")), count(m.group("b") or m.group("a"))
    unit = m.group("unit").lower()
    per_week = 5.0 if ("working" in unit or "business" in unit) else (7.0 if "day" in unit else 1.0)
    scale = 4.33 if unit.startswith("month") else 1.0 / per_week if "day" in unit else 1.0
    return (round(low * scale, 1), round(high * scale, 1))
