"""What free text says will happen or stands in the way: meetings booked, constraints (a budget
freeze until a date, a security or legal review and how long it takes, a procurement step, a
committee's date), competitor comparisons (price, speed, scope) and shifts in sentiment.

Rules a coach can read; dates are read relative to the text's own date (a note's, an
activity's, the call's), so "booked for Thursday" means the Thursday after it was written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence

from agent.contracts.deal import Deal
from agent.contracts.facts import ComparisonClaim, ConstraintKind, Fact
from agent.reading.commitments import resolve_date
from agent.reading.gates import gate
from agent.reading.outreach import outcome_of
from agent.reading.patterns import competitor_pattern
from agent.reading.spans import sentence_spans
from knowledge.trust import figures_in

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?(?:\s+(?P<y>\d{{4}}))?\b", re.I
)
_MONTH_ONLY = re.compile(
    rf"\b(?:(?:in|until|till|through|after|before|by|from)\s+(?:early |mid-|late |"
    rf"end of )?|(?P<at>at the end of ))(?P<m>{_MONTH})\b"
    rf"(?:\s+(?P<y>\d{{4}}))?",
    re.I,
)
_QUARTER = re.compile(
    r"\b(?:Q(?P<q>[1-4])|(?:the )?(?P<ord>first|second|third|fourth) quarter|"
    r"(?P<next>next) quarter)\b(?:\s+(?:of\s+)?(?P<y>\d{4}))?",
    re.I,
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
        + ("ten", "eleven", "twelve")
    )
}
_COUNT = r"\d{1,3}|" + "|".join(_NUMBER_WORDS)
# A duration, said as one: "takes six to eight weeks", "within 20 working days", "a 4-week
# review", "for two months"; not "12 months' fees" or "a 3-year term".
_WEEKS = re.compile(
    r"(?:\b(?:takes?|took|taking|lasts?|within|for|about|around|roughly|up to|allow|needs?|"
    r"requires?|typically|usually|at least|is|are|runs?|expects?|expected|estimated at|"
    r"estimates?|quoted)\s+(?:about\s+|around\s+|up to\s+|roughly\s+)?|"
    r"\b(?:a|an)\s+)?"
    rf"\b(?P<a>{_COUNT})(?:\s*(?:-|–|to|or)\s*(?P<b>{_COUNT}))?[\s-]*(?P<unit>weeks?|"
    r"(?:working |business )?days?|months?)\b(?!')"
    r"(?!\s+(?:ago|away|late|behind|overdue|old)\b)"
    r"(?P<after>\s+(?:review|process|assessment|lead time|to (?:complete|close|run|review|"
    r"approve|sign)|from|before|after|once|of (?:review|legal|security|procurement)))?",
    re.I,
)
_TAKES = re.compile(
    r"\b(?:takes?|will take|usually|typically|lasts|lasted|(?:will|to) last|need(?:s)?)\b", re.I
)


# A weekday written with its date ("Tuesday 1 December", "Monday the 30th"): the date decides.
_WEEKDAY_DATED = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?=(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?"
    r"\b(?![:.]\d|\s*(?:am|pm|h|hrs?|hours?|mins?|minutes?|weeks?|days?)\b)|"
    rf"(?:{_MONTH})\.?\s+\d)",
    re.I,
)
# A committee's day named by its place in a month: "first Tuesday of July", "the last Friday in
# March 2027"; read before a bare weekday ("Tuesday") is taken as the next one.
_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_NTH_WEEKDAY = re.compile(
    r"\b(?P<n>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+"
    r"(?P<wd>(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+(?:of|in)\s+(?:the\s+month\s+of\s+)?"
    rf"(?P<m>{_MONTH})\b\.?(?:,?\s+(?P<y>\d{{4}}))?",
    re.I,
)


def _nth_weekday(m: re.Match[str], on: dt.date) -> dt.date:
    """'first Tuesday of July': that day of the next such month (this year's if not passed)."""
    month = _MONTHS[m.group("m").lower()]
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
        if words and re.search(_MONTH, words, re.I) and not re.search(r"\d{4}", words):
            found = _this_year_if_recent(found, text, text.find(words), on)
        return found
    if (m := _DAY_MONTH.search(text)) is not None:
        month, day = _MONTHS[m.group("m").lower()], int(m.group("d"))
        year = int(m.group("y")) if m.group("y") else on.year + ((month, day) < (on.month, on.day))
        try:
            found = dt.date(year, month, day)
        except ValueError:
            return None
        return found if m.group("y") else _this_year_if_recent(found, text, m.start(), on)
    if (m := _MONTH_ONLY.search(text)) is not None:
        month = _MONTHS[m.group("m").lower()]
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
_MONTH_NAMED = re.compile(rf"\b(?:{_MONTH})\b", re.I)


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
        return float(_NUMBER_WORDS.get(word.lower(), 0) if not word.isdigit() else word)

    low, high = count(m.group("a")), count(m.group("b") or m.group("a"))
    unit = m.group("unit").lower()
    per_week = 5.0 if ("working" in unit or "business" in unit) else (7.0 if "day" in unit else 1.0)
    scale = 4.33 if unit.startswith("month") else 1.0 / per_week if "day" in unit else 1.0
    return (round(low * scale, 1), round(high * scale, 1))


_BOOKED = re.compile(
    r"\b(?:booked|scheduled|set up|arranged|confirmed|agreed to meet|accepted|in the diary|"
    r"calendar invite|will (?:meet|join)|is meeting|are meeting|"
    r"(?:rescheduled|moved|postponed|pushed) (?:to|for|until))\b",
    re.I,
)
# What is booked is a meeting: "confirmed the numbers ... from July 2027" or "go-live is
# scheduled for March" books nothing; a customer's own security or legal review is a step.
_MEETING = re.compile(
    r"\b(?:meet|meets|meeting|call|demo|workshop|session|(?<!security )(?<!legal )"
    r"(?<!contract )review|visit|presentation|walk-?through|QBR|lunch|dinner|coffee|"
    r"catch-?up|check-?in|sync|on-?site|tour|invite|invitation|slot|appointment|kick-?off|"
    r"briefing|\d+ min(?:ute)?s|(?:an?|one|half an) hour|time with|in the diary|calendar)\b",
    re.I,
)
# A booking the text says is off: "booked for Tuesday, then cancelled it".
_CALLED_OFF = re.compile(
    r"\b(?:cancel(?:l)?ed|cancel(?:l)?ing|called (?:it )?off|fell through|no longer (?:happening|"
    r"going ahead|on)|declined (?:the|our|my) (?:invite|invitation|meeting))\b",
    re.I,
)
# Who approves a deal as a body, not a person: a board, a committee, the executive team.
_BODY = (
    r"(?:(?:supervisory |management |executive )?board(?: of (?:directors|trustees|management))?|"
    r"(?:investment|steering|capex|budget|finance|financial|executive|credit|procurement|"
    r"purchasing|tender|approvals?|architecture|risk|IT|management|operating) committee|"
    r"ExCo|EXCO|exec(?:utive)? (?:team|committee)|council|shareholders|general meeting|"
    r"trustees)"
)
_CONSTRAINTS: list[tuple[ConstraintKind, re.Pattern[str]]] = [
    (
        "budget_freeze",
        re.compile(
            # a freeze on money, not on hiring or changes ("a hiring freeze", "IT is frozen
            # until the cutover"): a hiring freeze is no reason not to buy, often one to buy
            r"\b(?:(?:budget|spend(?:ing)?|capex|purchasing|procurement|investment) freeze|"
            r"(?:freeze|stop|halt|moratorium|hold) on (?:all |any )?(?:new |discretionary |"
            r"non-essential |external |software |IT )*(?:spend|spending|purchases|purchasing|"
            r"budgets?|contracts|investments?|software|vendors|suppliers)|"
            r"(?:spend|spending|budgets?|contracts?|purchases?|capex|onboarding|investments?)"
            r"[^.;]{0,40}\b(?:frozen|on hold|paused)|"
            r"(?:froze|freezes|frozen|paused|halted)[^.;]{0,40}\b(?:spend|spending|budgets?|"
            r"contracts?|purchases?|software|capex|investments?)|"
            r"no new (?:spend|purchases|contracts) (?:until|before|this)|cost[- ]cutting)\b",
            re.I,
        ),
    ),
    (
        "security_review",
        re.compile(
            r"\b(?:(?:security|infosec|information security|it security|cyber ?security|"
            r"vendor risk|third[- ]party risk|privacy|data protection) (?:review|assessment|"
            r"questionnaire|approval|sign-off|check)|DPIA|penetration test|pen test|"
            r"(?:CISO|security team) (?:has to|must|needs to|will) (?:approve|review|sign))\b",
            re.I,
        ),
    ),
    (
        "legal_review",
        re.compile(
            r"\b(?:legal (?:review|approval|sign-off)|contract review|MSA (?:review|redlines)|"
            r"redlines?|(?:legal|counsel) (?:has to|must|needs to|will) (?:review|approve))\b",
            re.I,
        ),
    ),
    (
        # a competitive tender the customer must run: other vendors will bid, and it takes
        # weeks ("needs to go out to tender", "public procurement rules require three quotes",
        # "RFP mandatory above EUR 200k", "a public invitation on SECOP II, minimum three
        # offers"); checked before the plainer procurement steps
        "tender",
        re.compile(
            r"\b(?:(?:go(?:es|ing)?|put (?:it |this )?|sent|send) (?:out )?to tender|"
            r"tender(?:ing)? (?:process|procedure|rules|requirement|threshold)|"
            r"public (?:invitation|procurement|tender(?:ing)?|bid(?:ding)?|competition)|"
            r"(?:open|formal|competitive|national|international|restricted|EU|OJEU) "
            r"(?:procurement|tender(?:ing)?|bid(?:ding)?)|"
            r"invitation (?:to|for) (?:bids?|tenders?|offers?|quote)|"
            r"(?:call|request)s? for (?:tenders?|bids?|offers?|proposals?|quot(?:es|ations?))|"
            r"(?:procurement|purchasing|tender(?:ing)?) (?:rules|law|laws|regulations?|policy) "
            r"(?:require|requires|say|says|mean|means|oblige|obliges|force|forces)|"
            r"competitive (?:bid(?:ding)?|quotes?|tender|process|procurement)|"
            r"(?:minimum|at least|min\.?)(?: of)? (?:two|three|four|five|\d) (?:competing |"
            r"written |comparable )?(?:quotes|quotations|offers|bids|proposals|tenders)|"
            r"(?:requires?|required|needs?|needed|must (?:get|have|obtain|collect)|(?:has|have) "
            r"to (?:get|obtain|collect))\s+(?:\w+\s+){0,2}?(?:two|three|four|five|[2-9]|several|"
            r"multiple) (?:competing |written |comparable )?(?:quotes|quotations|offers|bids)|"
            r"(?:two|three|four|five|[2-9]|several|multiple) (?:competing |written |comparable )"
            r"?(?:quotes|quotations|offers|bids|tenders) (?:are|is) (?:required|needed|mandatory)|"
            r"(?:two|three|four|five|[2-9]|several|multiple) competing (?:quotes|offers|bids)|"
            r"(?:issu|publish|launch|open|prepar|writ|draft|run)\w* (?:an? |the |their |its |"
            r"a (?:formal |public |new )?)?(?:RFP|RFQ|ITT|tender)\b|"
            r"(?:RFP|RFQ|ITT|tender) (?:response|process|deadline|round|stage|submission|award|"
            r"documents?|pack|timeline)s?|"
            r"(?:RFP|RFQ|RFI|ITT|tender)s?(?=[^.;]{0,40}\b(?:mandatory|required|obligatory|"
            r"compulsory|has to|must|needs? to|issued|issue|publish|published|due|open|opens|"
            r"run|runs|running|above|over|threshold))|"
            r"(?:above|over|exceeds?) (?:the |our |their )?(?:direct[- ]award|single[- ]source|"
            r"tender(?:ing)?|procurement) (?:threshold|limit))",
            re.I,
        ),
    ),
    (
        "procurement",
        re.compile(
            r"\b(?:vendor (?:onboarding|registration|set-?up)|supplier (?:onboarding|"
            r"registration|set-?up|record)|new supplier process|"
            r"procurement (?:process|review|cycle|step))\b",
            re.I,
        ),
    ),
    (
        # a body that approves the deal, and when it sits ("must be approved by the Board of
        # Directors", "the board sits on the 16th", "ExCo meets first Tuesday of July", "take it
        # to the finance committee on 8 April"); a budget released or a fiscal year opening on
        # a date. Not a body that is only named ("the board was happy with the pilot", "the
        # audit committee ran over")
        "approval",
        re.compile(
            rf"\b(?:{_BODY}(?:'s)? (?:approval|sign-off|sign off|decision|resolution|vote|"
            r"session|meeting|sitting)|"
            rf"approv(?:al|ed|e) (?:by|from|of|at) (?:the |our |its |their |a )?{_BODY}|"
            rf"{_BODY} (?:next )?(?:meets|sits|convenes|will (?:meet|sit|convene|decide|vote)|"
            r"(?:has|have|must|needs?|will have) to (?:approve|sign off|decide|vote|see it)|"
            r"(?:must|will|should) (?:approve|sign off|decide|vote))|"
            rf"(?:once|when|after|until|till|before) (?:the |our |their |its )?{_BODY} "
            r"(?:has |have )?(?:approved|signed off|decided|voted|met|meets|sat|sits)|"
            r"(?:go|goes|going|take it|takes it|taking it|bring it|submit it|present it|"
            rf"put it) (?:to|before|in front of) (?:the |our |their |its )?(?:next )?{_BODY}|"
            rf"{_BODY} (?:that|which|who) (?:must|has to|needs to|will) (?:re-?)?approve|"
            r"(?:investment|steering|capex|budget) committee|budget release|budget cycle|"
            r"budget season|"
            r"budgets? (?:is |are |will be |gets? )?released|"
            r"(?:new|next) (?:fiscal|financial) year|(?:fiscal|financial) year (?:starts|begins|"
            r"opens))\b",
            re.I,
        ),
    ),
]
# Words a kind's pattern cannot match without: a cheap look first, the long pattern only then.
_CUES: dict[str, re.Pattern[str]] = {  # searched in the lower-cased sentence
    "tender": re.compile(
        r"tender|bid|offer|quot|rf[pqi]|itt|procure|purchas|invitation|threshold|competitive|"
        r"proposal"
    ),
    "approval": re.compile(
        r"board|committee|exco|exec|council|shareholder|general meeting|trustee|budget|fiscal|"
        r"financial"
    ),
}
_PRICE = re.compile(
    r"\b(?:cheaper|less expensive|lower (?:price|cost|quote)|undercut|half the (?:price|cost)|"
    r"\d+\s?% (?:cheaper|less|lower|below)|(?:their|a|the) quote (?:is|of|at)|priced at|"
    r"discount(?:ed)? (?:price|offer)|"
    r"(?:price|pricing|quote|offer|bid|licen[cs]e (?:fee|cost))s?(?:'s)? (?:is|are|was|were|"
    r"came in|comes in) (?:\w+ )?(?:lower|cheaper|less|below|under)|"
    r"(?:lower|less|cheaper|below|under) (?:than )?(?:ours|us|our (?:price|quote|offer|"
    r"number|proposal|bid|pricing)))\b",
    re.I,
)
_SPEED = re.compile(
    r"\b(?:faster|quicker|sooner|live in \d+|go-live in|implement(?:ed|s)? in \d+)\b", re.I
)
_SCOPE = re.compile(
    r"\b(?:includes?|included|also covers|out of the box|more features|bundled|all-in-one)\b",
    re.I,
)
# With a competitor named and a figure in the sentence, plainer words also state a price or a
# time to go live ("Nimbra lists at USD 95k a year", "go-live of the workflow in 8 weeks").
_PRICE_FIGURE = re.compile(
    r"\b(?:lists? at|list price|quoted?|quotes|priced|pricing|costs?|charges?|came in at|"
    r"per (?:user|seat|licen[cs]e))\b",
    re.I,
)
_SPEED_FIGURE = re.compile(
    r"\b(?:live|go-live|implement(?:ed|s|ation)?|deliver(?:ed|s)?|roll(?:ed)?[- ]?out|"
    r"deploy(?:ed|s|ment)?)\b[^.;]{0,60}\b(?:in|within) \d",
    re.I,
)
_GENERIC_RIVAL = re.compile(
    r"\b(?:competitors?|other vendors?|another vendor|incumbent|alternative vendor|"
    r"(?:their|the) current (?:vendor|supplier|provider)|in-house build|build it (?:in-house|"
    r"themselves|ourselves))\b",
    re.I,
)
# A comparison makes one of these claims (read_comparisons): a text with none of their words
# compares nothing.
_CLAIMS = gate(_PRICE, _PRICE_FIGURE, _SPEED, _SPEED_FIGURE, _SCOPE)
_RIVAL_GATE = gate(_GENERIC_RIVAL)
_COOLING = re.compile(
    r"\b(?:lukewarm|cooled|cooling|frustrated|lost interest|less engaged|sceptical|skeptical|"
    r"unhappy|annoyed|disappointed|pushed back hard|has gone quiet|went quiet)\b",
    re.I,
)
_WARMING = re.compile(
    r"\b(?:enthusiastic|excited|keen|strong(?:ly)? support(?:s|ive|er)?|champions? (?:it|this|us)|"
    r"(?:big|strong|real|vocal) (?:supporter|advocate|fan)|bought in|won over|warmed)\b",
    re.I,
)
# "not keen", "no longer sceptical": the words say the opposite of the feeling they name.
_NEGATED = re.compile(
    r"\b(?:not|never|no longer|hardly|less|(?:is|was|are|were|does|did)n'?t)\s+(?:\w+\s+)?$", re.I
)
# Frustration with the status quo is the pain we solve, not a cooling towards us.
_AT_STATUS_QUO = re.compile(
    r"^\s+(?:with|by|about|at|over)\s+(?:the\s+|their\s+|his\s+|her\s+|its\s+)?"
    r"(?:current|existing|old|legacy|incumbent|present|manual|spreadsheet)",
    re.I,
)


_FEELING = gate(_COOLING, _WARMING)


def _direction(sentence: str) -> str | None:
    """'cooling' or 'warming', the first feeling word decides; a negated one counts as the
    opposite ('not keen' cools, 'no longer sceptical' warms)."""
    found = sorted(
        [(m, "cooling") for m in _COOLING.finditer(sentence)]
        + [(m, "warming") for m in _WARMING.finditer(sentence)],
        key=lambda pair: pair[0].start(),
    )
    for m, direction in found:
        if direction == "cooling" and _AT_STATUS_QUO.match(sentence[m.end() :]):
            continue
        if _NEGATED.search(sentence[: m.start()]):
            return "warming" if direction == "cooling" else "cooling"
        return direction
    return None


def people_in(sentence: str, deal: Deal) -> list[str]:
    """Contact ids the sentence names (a full name, or a first or last name alone)."""
    found = []
    for c in deal.contacts:
        parts = [c.name, *c.name.split()]
        if any(  # a name not in the sentence at all needs no word-boundary search
            len(p) > 2 and p in sentence and re.search(rf"\b{re.escape(p)}\b", sentence)
            for p in parts
        ):
            found.append(c.id)
    return found


_BOOKED_GATE, _MEETING_GATE = gate(_BOOKED), gate(_MEETING)


def read_meetings(
    deal: Deal, as_of: dt.date, texts: Sequence[tuple[str, str, dt.date]]
) -> Iterator[Fact]:
    """Meetings on the calendar after `as_of`: future-dated activities the customer did not
    decline, and text that says one was booked for a later date."""
    customers = {c.id for c in deal.contacts}
    for i, a in enumerate(deal.activities):
        if a.date <= as_of:
            continue
        found = outcome_of(a)
        if found is not None and found[0] in ("declined", "bounced"):
            continue
        yield Fact(
            kind="meeting",
            ref=f"deal.activities[{i}]",
            quote=a.summary,
            on=a.date,
            attendees=[p for p in a.participants if p in customers],
        )
    booked, meeting = _BOOKED_GATE, _MEETING_GATE
    for ref, text, written in texts:
        if not (booked.may_match(text) and meeting.may_match(text)):
            continue  # a sentence must name both (gates.py)
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if (
                not _BOOKED.search(sentence)
                or not _MEETING.search(sentence)
                or _CALLED_OFF.search(sentence)
            ):
                continue
            when = resolve_when(sentence, written)
            if when is not None and when > as_of:
                yield Fact(
                    kind="meeting",
                    ref=ref,
                    quote=sentence,
                    on=when,
                    attendees=people_in(sentence, deal),
                )


# A constraint the text says is behind them: "the freeze was lifted", "we passed their security
# review", "vendor onboarding completed last week"; not one still ahead ("must be completed by",
# "once the review has been completed").
_DONE_WORDS = (
    r"(?:lifted|ended|removed|passed|completed?|cleared|signed off|done|finished|"
    r"over(?=\s*(?:[.,;:!]|$|and\b|but\b|now\b)))"
)
_OVER = re.compile(
    rf"\b(?:(?:was|were|has been|have been|got|is now|are now|is|are)\s+(?:now\s+|already\s+)?"
    rf"{_DONE_WORDS}|(?:we|they|finance|it)\s+(?:have\s+|'ve\s+|already\s+)*"
    r"(?:passed|cleared|completed|finished|lifted|ended)|"
    r"(?:freeze|review|assessment|questionnaire|hold|onboarding|registration|approval|"
    rf"redlines|sign-off)\s+(?:now\s+)?{_DONE_WORDS}|unfrozen|no longer (?:frozen|on hold|"
    r"applies))\b(?!\s+by\b)",
    re.I,
)
_AHEAD_OF_IT = re.compile(
    r"\b(?:once|when|until|till|after|before|if|unless|must|needs? to|has to|have to|will|"
    r"would|should|to be|expects?|hope|hopes)\b",
    re.I,
)


_CLAUSE = re.compile(r"[;,:]|\s(?:but|while|whereas|although|though|so)\s", re.I)


# A tender or an approval that already happened: "we won their tender last year", "the board
# already approved the budget at its March session"; not one still ahead ("once the board has
# approved it", "if we win the tender").
_HAPPENED = re.compile(
    r"\b(?:won|lost|were awarded|was awarded to|last (?:year|time)|previous|prior|"
    r"(?:has|have|had) (?:already )?approved|already approved|"
    r"approved (?:it|this|that|the|our|us|a|an)\b)",
    re.I,
)


def _over(sentence: str, at: int, behind: re.Pattern[str] = _OVER) -> bool:
    """The clause around `at` says the constraint is behind them ("the freeze was lifted, but
    procurement needs three weeks": only the freeze is over)."""
    bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
    start = max((e for s, e in bounds if e <= at), default=0)
    end = min((s for s, e in bounds if s >= at), default=len(sentence))
    clause = sentence[start:end]
    m = behind.search(clause)
    return m is not None and _AHEAD_OF_IT.search(clause[: m.start()]) is None


# A date that names an event, not when something ends: "the Q4 reforecast", "the March
# results", "its 24 November session" (a determiner, the date, then a noun).
_EVENT_DATED = re.compile(
    rf"\b(?:the|its|their|our|this|that|last)\s+(?:Q[1-4]|(?:{_MONTH})|\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:\s+(?:{_MONTH}))?)\s+(?!(?:and|or|to|when|if|at|in|for|so|but|while|because|then|"
    r"with|before|after|until|unless|is|are|was|were|will|and|of)\b)[a-z][\w-]+",
    re.I,
)


_CONSTRAINT_GATES = [(kind, pattern, gate(pattern)) for kind, pattern in _CONSTRAINTS]


def read_constraints(ref: str, text: str, written: dt.date) -> Iterator[Fact]:
    """Constraints the text says stand between the deal and signature; one it says is behind
    them (a freeze lifted, a review passed) is none. A legal review is read even then: it
    shows the review started (agent/analysis/evidence.py)."""
    # the kinds whose pattern may match somewhere in the text (gates.py): a kind that cannot
    # match the text matches none of its sentences, so the first kind a sentence names stays
    kinds = [(k, pattern) for k, pattern, may in _CONSTRAINT_GATES if may.may_match(text)]
    if not kinds:
        return
    spans = sentence_spans(text)
    for n, (start, end) in enumerate(spans):
        sentence = text[start:end]
        lowered = sentence.lower()
        for kind, pattern in kinds:
            cues = _CUES.get(kind)
            if cues is not None and cues.search(lowered) is None:
                continue
            m = pattern.search(sentence)
            if m is None:
                continue
            if kind != "legal_review" and _over(sentence, m.start()):
                continue
            if kind in ("tender", "approval") and _over(sentence, m.start(), _HAPPENED):
                continue
            rest = sentence[m.start() :]
            if kind == "budget_freeze":  # "frozen by the Q4 reforecast": a cause, not an end
                rest = _EVENT_DATED.sub(" ", rest)
            until = resolve_when(rest, written)
            weeks = weeks_in(sentence)
            if weeks is None and n + 1 < len(spans):  # "... review. It takes six to eight weeks."
                following = text[spans[n + 1][0] : spans[n + 1][1]]
                weeks = weeks_in(following) if _TAKES.search(following) else None
            yield Fact(
                kind="constraint",
                ref=ref,
                quote=sentence,
                constraint=kind,
                until=until if until and until > written else None,
                weeks=weeks,
            )
            break  # one constraint per sentence: the first kind it names


def read_comparisons(ref: str, text: str, competitors: Sequence[str]) -> Iterator[Fact]:
    names = [n for n in competitors if n]
    named = competitor_pattern(names) if names else None  # cached per name set
    rivals = gate(named, _GENERIC_RIVAL) if named else _RIVAL_GATE
    if not (rivals.may_match(text) and _CLAIMS.may_match(text)):
        return  # no rival, or no claim: nothing to compare
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        rival = named.search(sentence) if named else None
        generic = _GENERIC_RIVAL.search(sentence)
        if rival is None and generic is None:
            continue
        figures = figures_in(sentence)
        figured = rival is not None and bool(figures)
        claim: ComparisonClaim | None = (
            "price"
            if _PRICE.search(sentence) or (figured and _PRICE_FIGURE.search(sentence))
            else "speed"
            if _SPEED.search(sentence) or (figured and _SPEED_FIGURE.search(sentence))
            else "scope"
            if _SCOPE.search(sentence) and rival
            else None
        )
        if claim is None:
            continue
        yield Fact(
            kind="comparison",
            ref=ref,
            quote=sentence,
            competitor=rival.group(0) if rival else None,
            claim=claim,
            figure=figures[0].text if figures else None,
        )


def read_sentiment(ref: str, text: str, deal: Deal) -> Iterator[Fact]:
    if not _FEELING.may_match(text):
        return
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        direction = _direction(sentence)
        if direction is None:
            continue
        people = people_in(sentence, deal)
        yield Fact(
            kind="sentiment",
            ref=ref,
            quote=sentence,
            contact_id=people[0] if people else None,
            direction=direction,  # type: ignore[arg-type]
        )


# Leaving the job, not the room or the country for a week: "is leaving for a conference",
# "will leave the call early" and "retired the old system" are no departures.
_NOT_THE_JOB = (
    r"(?!\s+(?:for (?:a |the )?(?:conference|trip|holiday|vacation|week|few days|business trip)|"
    r"early|the (?:call|meeting|office|room|session)|it\b|us a|a (?:message|voicemail|note)))"
)
_LEAVING = re.compile(
    rf"\b(?:(?:has |have )?resign(?:ed|s|ing)|(?:is|are) leaving{_NOT_THE_JOB}|"
    rf"will leave{_NOT_THE_JOB}|leaves{_NOT_THE_JOB}\s+(?:the|us|on)\b|"
    r"(?:her|his|their) last day|handing over|hands over|moving on|"
    r"left the (?:company|business|organi[sz]ation)|no longer (?:with|at|works)|"
    r"(?:handed|handing|hands) in (?:her|his|their) notice|"
    r"(?:serving|given|gave) (?:her|his|their) notice|"
    r"(?:is|are|will be) stepping down|steps down|stepped down|"
    r"retir(?:es|ing|ed)(?!\s+(?:the|a|an|our|their|its|this|that|his|her|some|all)\b)|"
    r"on (?:parental|maternity|paternity|long-term) leave)\b",
    re.I,
)


# Already gone when the text was written: their last day is at the latest that date.
_GONE = re.compile(
    r"\b(?:left the (?:company|business|organi[sz]ation)|no longer (?:with|at|works)|"
    r"stepped down|(?:her|his|their) last day was)\b",
    re.I,
)


_LEAVING_GATE = gate(_LEAVING)


def last_day(sentence: str, written: dt.date) -> dt.date | None:
    """A departure's last day: the date ahead the words give ("leaving at the end of
    October"), else the day they were written when they say the person is already gone (their
    last day was no later), else None (leaving, nobody said when)."""
    last = resolve_when(sentence, written)
    if last and last >= written:
        return last
    return written if _GONE.search(sentence) else None


def read_departures(ref: str, text: str, deal: Deal, written: dt.date) -> Iterator[Fact]:
    """Someone named in the text is leaving or has left: a contact the deal cannot rely on."""
    if not _LEAVING_GATE.may_match(text):
        return
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not _LEAVING.search(sentence):
            continue
        for person in people_in(sentence, deal):
            yield Fact(
                kind="departure",
                ref=ref,
                quote=sentence,
                contact_id=person,
                on=last_day(sentence, written),
            )
