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
    rf"\b(?:in|until|till|through|after|before|by|from)\s+(?:early |mid-|"
    rf"late |end of )?(?P<m>{_MONTH})\b(?:\s+(?P<y>\d{{4}}))?",
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
    r"requires?|typically|usually|at least)\s+(?:about\s+|around\s+|up to\s+)?|"
    r"\b(?:a|an)\s+)?"
    rf"\b(?P<a>{_COUNT})(?:\s*(?:-|–|to|or)\s*(?P<b>{_COUNT}))?[\s-]*(?P<unit>weeks?|"
    r"(?:working |business )?days?|months?)\b(?!')"
    r"(?P<after>\s+(?:review|process|assessment|lead time|to (?:complete|close|run|review|"
    r"approve|sign)|from|before|after|once|of (?:review|legal|security|procurement)))?",
    re.I,
)
_TAKES = re.compile(r"\b(?:takes?|will take|usually|typically|lasts?|need(?:s)?)\b", re.I)


def resolve_when(text: str, on: dt.date) -> dt.date | None:
    """The first date the words name, relative to `on`: ISO dates, 'the 25th', 'Friday',
    'tomorrow', '14 January', 'until March', 'Q3', 'next quarter'."""
    found, _ = resolve_date(text, on)
    if found is not None:
        return found
    if (m := _DAY_MONTH.search(text)) is not None:
        month, day = _MONTHS[m.group("m").lower()], int(m.group("d"))
        year = int(m.group("y")) if m.group("y") else on.year + ((month, day) < (on.month, on.day))
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    if (m := _MONTH_ONLY.search(text)) is not None:
        month = _MONTHS[m.group("m").lower()]
        year = int(m.group("y")) if m.group("y") else on.year + (month < on.month)
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
    r"calendar invite|will (?:meet|join)|is meeting|are meeting)\b",
    re.I,
)
_CONSTRAINTS: list[tuple[ConstraintKind, re.Pattern[str]]] = [
    (
        "budget_freeze",
        re.compile(
            r"\b(?:(?:budget|spend(?:ing)?|capex|hiring|purchasing|procurement) freeze|"
            r"freeze on (?:new )?(?:spend|spending|purchases|budgets?)|"
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
        "procurement",
        re.compile(
            r"\b(?:vendor (?:onboarding|registration|set-?up)|supplier (?:onboarding|"
            r"registration|set-?up|record)|new supplier process|tender|RFP|RFQ|"
            r"procurement (?:process|review|cycle|step))\b",
            re.I,
        ),
    ),
    (
        "approval",
        re.compile(
            r"\b(?:board (?:approval|meeting|sign-off)|investment committee|steering committee|"
            r"capex committee|budget committee|budget release|budget cycle|budget season|"
            r"(?:new|next) (?:fiscal|financial) year)\b",
            re.I,
        ),
    ),
]
_PRICE = re.compile(
    r"\b(?:cheaper|less expensive|lower (?:price|cost|quote)|undercut|half the (?:price|cost)|"
    r"\d+\s?% (?:cheaper|less|lower|below)|(?:their|a|the) quote (?:is|of|at)|priced at|"
    r"discount(?:ed)? (?:price|offer))\b",
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
    r"\b(?:lists? at|list price|quoted?|quotes|priced|pricing|costs?|charges?|"
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
_COOLING = re.compile(
    r"\b(?:lukewarm|cooled|cooling|frustrated|lost interest|less engaged|sceptical|skeptical|"
    r"unhappy|annoyed|disappointed|pushed back hard|has gone quiet|went quiet)\b",
    re.I,
)
_WARMING = re.compile(
    r"\b(?:enthusiastic|excited|keen|strong(?:ly)? support|champions? (?:it|this|us)|"
    r"bought in|won over|warmed)\b",
    re.I,
)


def people_in(sentence: str, deal: Deal) -> list[str]:
    """Contact ids the sentence names (a full name, or a first or last name alone)."""
    found = []
    for c in deal.contacts:
        parts = [c.name, *c.name.split()]
        if any(len(p) > 2 and re.search(rf"\b{re.escape(p)}\b", sentence) for p in parts):
            found.append(c.id)
    return found


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
    for ref, text, written in texts:
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if not _BOOKED.search(sentence):
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


def read_constraints(ref: str, text: str, written: dt.date) -> Iterator[Fact]:
    spans = sentence_spans(text)
    for n, (start, end) in enumerate(spans):
        sentence = text[start:end]
        for kind, pattern in _CONSTRAINTS:
            m = pattern.search(sentence)
            if m is None:
                continue
            until = resolve_when(sentence[m.start() :], written)
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
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        direction = (
            "cooling"
            if _COOLING.search(sentence)
            else ("warming" if _WARMING.search(sentence) else None)
        )
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


_LEAVING = re.compile(
    r"\b(?:(?:has |have )?resign(?:ed|s|ing)|(?:is|are) leaving|will leave|leaves (?:the|us|on)|"
    r"(?:her|his|their) last day|handing over|hands over|moving on|"
    r"left the (?:company|business|organi[sz]ation)|no longer (?:with|at|works)|"
    r"retir(?:es|ing|ed)|on (?:parental|maternity|paternity|long-term) leave)\b",
    re.I,
)


def read_departures(ref: str, text: str, deal: Deal, written: dt.date) -> Iterator[Fact]:
    """Someone named in the text is leaving or has left: a contact the deal cannot rely on."""
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not _LEAVING.search(sentence):
            continue
        for person in people_in(sentence, deal):
            last = resolve_when(sentence, written)
            yield Fact(
                kind="departure",
                ref=ref,
                quote=sentence,
                contact_id=person,
                on=last if last and last >= written else None,
            )
