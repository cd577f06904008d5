"""Whether the record's own history is complete: "Opportunity migrated from the legacy CRM on
1 October", "Activity history before that date was not imported", "Older notes were lost when
we moved off HubSpot".

The process is checked against the activity log, and a step with no activity counts as
missed. That is only fair when the log covers the deal's life. When the text says the history
was migrated, not carried over or lost, the absence of earlier activities is not evidence that
they did not happen, so the fact is read here (a `history_gap`, with the date the history starts
when the text names one) for every capability to use.

Only statements about this record count: the customer's own migration project ("they are
migrating their contracts from the legacy ERP"), a plan or a question ("can the history be
imported?") and a complete import ("full history imported") are not gaps.

A partner that ran the deal before us is the same kind of gap when the text says its records
are elsewhere ("minutes are in their partner portal, not in our CRM"): the `holder` of the
missing history is the partner, to be asked for its minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.gates import gate
from agent.reading.dates import resolve_past
from agent.reading.spans import sentence_spans

# What of the record: the opportunity itself, or its history, activities, notes, emails.
_HISTORY = (
    r"(?:(?:activity|activities|call|email|meeting|crm|deal|opportunity|earlier|previous|"
    r"prior|older|past|historic(?:al)?)\s+){0,2}(?:history|activit(?:y|ies)|log|notes|records?|"
    r"emails|calls|meetings)"
)
_RECORD = rf"(?:opportunit(?:y|ies)|deal|account record|{_HISTORY})"
_MOVED = (
    r"(?:migrated|imported|moved|transferred|copied|ported|carried over|brought over|synced|"
    r"back-?filled|loaded)"
)
_OLD_SYSTEM = (
    r"(?:(?:the|our|an?)\s+)?(?:(?:old|legacy|previous|former|prior|retired|other)\s+(?:CRM|"
    r"system|instance|org|platform|tool|database)|Salesforce|HubSpot|Dynamics|Pipedrive|Zoho|"
    r"spreadsheets?|Excel)"
)
# Every statement _GAP reads has one of these words: a cheap test first.
_CUES = frozenset(
    re.findall(
        r"\S+",
        """migrated imported moved transferred copied ported carried brought synced backfilled
        back-filled loaded lost wiped deleted across over re-entered reentered reconstructed
        history""",
    )
)
_GAP = re.compile(
    # moved into this CRM from another: "Opportunity migrated from the legacy CRM"
    rf"\b(?P<a>{_RECORD})\b[^.;]{{0,40}}?\b{_MOVED}\b[^.;]{{0,30}}?\bfrom\s+(?:{_OLD_SYSTEM})\b|"
    rf"\b{_MOVED}\s+(?:this|the)\s+(?P<b>{_RECORD})\s+(?:over\s+)?from\s+(?:{_OLD_SYSTEM})\b|"
    # not carried over: "history before that date was not imported", "notes did not come across"
    rf"\b(?P<c>{_HISTORY})\b[^.;]{{0,60}}?\b(?:(?:was|were|has|have|is|are)\s+(?:not|never)\s+"
    rf"(?:been\s+)?{_MOVED}|(?:wasn['’]t|weren['’]t|hasn['’]t|haven['’]t)\s+(?:been\s+)?"
    rf"{_MOVED}|(?:did not|didn['’]t|never)\s+(?:get\s+)?(?:{_MOVED}|come (?:across|over)|"
    rf"make it (?:across|over))|(?:was|were|got|has been|have been)\s+(?:lost|wiped|deleted|"
    rf"back-?filled|re-?entered|reconstructed))\b|"
    rf"\bno\s+(?P<d>{_HISTORY})\s+(?:before|prior to|from before|until)\b|"
    # "we lost the earlier call notes when ..."
    rf"\blost\s+(?:the|all|our|all the)\s+(?P<e>{_HISTORY})\b",
    re.I,
)
# "their contract history", "the customer's records": the customer's data, not this record.
_THEIRS = re.compile(r"\b(?:their|its|customer['’]s|client['’]s|[A-Z]\w+['’]s)\s+(?:\w+\s+)?$")
_PLAN = re.compile(
    r"\b(?:will|would|can|could|should|whether|if|plan(?:s|ned|ning)? to|need(?:s)? to|"
    r"going to|asked|wants?|wanted|once|to be)\b",
    re.I,
)
# The customer's systems named inside the statement: their migration, not this record's.
_CUSTOMER_SIDE = re.compile(r"\b(?:their|ERP|customer['’]s|client['’]s)\b", re.I)
# Who may move or lose this record: us, the sales or CRM admins, or nobody named.
_OUR_ACTOR = re.compile(
    r"\s*(?:(?:we|I|sales ?ops|rev ?ops|the (?:CRM|sales|revenue) (?:team|admins?|operations))"
    r"\s+(?:have\s+|had\s+|also\s+)?)?",
    re.I,
)
_COMPLETE = re.compile(r"\b(?:full|complete|entire|all (?:of )?(?:the|its)|in full)\b", re.I)


def _is_gap(sentence: str, m: re.Match[str]) -> bool:
    subject = next(g for g in ("a", "b", "c", "d", "e") if m.group(g) is not None)
    if _THEIRS.search(sentence[: m.start(subject)]):
        return False
    span = sentence[m.start() : m.end()]
    if _PLAN.search(sentence[: m.start()] + span) or _CUSTOMER_SIDE.search(span):
        return False
    if subject in ("b", "e") and not _OUR_ACTOR.fullmatch(sentence[: m.start()]):
        return False  # "their IT team migrated the activity log ...": someone else's records
    negated = re.search(r"\b(?:not|never|no|lost|wiped|deleted)\b|n['’]t\b", span, re.I)
    return bool(negated) or not _COMPLETE.search(sentence)


def read_history_gaps(ref: str, text: str, written: dt.date) -> Iterator[Fact]:
    """A `history_gap` fact per sentence that says the record's history is incomplete; `until`
    is the first date any such sentence of the text names ("migrated on 1 October ...; history
    before that date was not imported"), `on` the day the text was written."""
    if _CUES.isdisjoint(re.findall(r"[a-z-]+", text.lower())):
        return  # no word of moving or losing records: skip the full patterns
    found = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        m = _GAP.search(sentence)
        if m is not None and _is_gap(sentence, m):
            found.append(sentence)
    dates = [d for d in (resolve_past(s, written) for s in found) if d is not None]
    until = next((d for d in dates if d <= written), None)
    for sentence in found:
        yield Fact(kind="history_gap", ref=ref, quote=sentence, until=until, on=written)


# --- a partner ran the deal before us ----------------------------------------------------------
# "Deal reg by partner Nile Bridge Solutions. Their AM did the intro call and the discovery
# workshops, minutes are in their partner portal not in our CRM. We took over from Trial."
# A partner, reseller or integrator that worked the deal first keeps its own records: the steps
# it ran are not in this record, so their absence here is unknown, not a miss. A statement that
# the partner ran a step, with nothing saying its records are elsewhere, is a report of the step
# held (progress.py), not a gap.
_PARTNER_NOUN = (
    r"(?:(?:channel|reseller|referral|implementation|delivery|solution|certified|local)\s+)?"
    r"(?:partner|reseller|distributor|integrator|systems? integrator|VAR|(?-i:SI))"
)
_PARTNER_RAN = re.compile(
    r"\b(?:deal[- ]reg(?:istration|istered|'d)?|partner[- ](?:sourced|led|registered|"
    r"originated|run)|(?:sourced|registered|introduced|brought in|referred|worked|run|ran|"
    rf"handled|owned|qualified|started)\s+(?:by|through|via)\s+(?:our |the |a |an )?"
    rf"{_PARTNER_NOUN})\b|"
    rf"\b(?:our|the|a|an)\s+{_PARTNER_NOUN}\b[^.;]{{0,60}}?\b(?:ran|did|held|led|handled|"
    r"owned|worked|conducted|managed|qualified|sourced|registered|took)\b",
    re.I,
)
# Its records are elsewhere: "minutes are in their partner portal", "notes not in our CRM".
_RECORDS = r"(?:minutes|notes|records|history|activities|call notes|meeting notes|documentation)"
_ELSEWHERE = re.compile(
    rf"\b{_RECORDS}\b[^.;]{{0,40}}?\b(?:are|is|sit|live|stay|stayed|remain|kept|stored|logged|"
    r"held|recorded)\b[^.;]{0,20}?\b(?:in|on)\s+(?:their|the partner['’]s|[A-Z][\w&-]*['’]s|"
    r"the)\s+(?:\w+\s+)?(?:portal|system|CRM|PRM|instance|tool|drive|files|sharepoint)\b|"
    r"\bnot (?:in|logged in|recorded in|entered in|captured in|synced to) (?:our|this|the) CRM\b|"
    rf"\b(?:we )?(?:do not|don['’]t|never) have (?:their|the partner['’]s|any) {_RECORDS}\b",
    re.I,
)
_PARTNER_PLAN = re.compile(r"\b(?:will|would|going to|plans? to|should|to be)\b", re.I)
_HOLDER = re.compile(
    rf"\b{_PARTNER_NOUN}\s+(?P<n>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){{0,3}})"
    rf"|(?P<m>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){{0,3}}),?\s+(?:our|the|a)\s+{_PARTNER_NOUN}\b"
)
_TOOK_OVER = re.compile(
    r"\b(?:took (?:it |the deal |over )?over|take-?over|handed (?:it |the deal )?over|"
    r"handover|picked (?:it )?up|joined)\b[^.;]{0,40}?\b(?:from|at|in)\s+(?:the\s+)?"
    r"(?P<s>[\w -]{2,40}?)(?:\s+stage)?\b(?=[.;,]|\s*$|\s+stage)",
    re.I,
)


def _holder(text: str) -> str:
    m = _HOLDER.search(text)
    if m is not None:
        name = (m.group("n") or m.group("m") or "").strip()
        if name and name.split()[0].lower() not in ("the", "our", "their", "portal"):
            return name
    noun = re.search(_PARTNER_NOUN, text, re.I)
    return f"the {noun.group(0).lower()}" if noun else "the partner"


_PARTNER_GATE, _ELSEWHERE_GATE = gate(_PARTNER_RAN), gate(_ELSEWHERE)


def read_partner_history(ref: str, text: str, written: dt.date, deal: Deal) -> Iterator[Fact]:
    """A `history_gap` fact, `holder` the partner, when the text says a partner ran the deal
    before us and its records are not in this CRM. `until` is when the stage the text says we
    took over at began ("we took over from Trial stage"), else left to the record's start."""
    if not (_PARTNER_GATE.may_match(text) and _ELSEWHERE_GATE.may_match(text)):
        return  # both are needed: a partner ran it, and its records are elsewhere
    ran = [
        (a, b)
        for a, b in sentence_spans(text)
        if (m := _PARTNER_RAN.search(text, a, b)) is not None
        and not _PLAN.search(text[a : m.start()])
    ]
    elsewhere = [
        (a, b)
        for a, b in sentence_spans(text)
        if (m := _ELSEWHERE.search(text, a, b)) is not None
        and not _PARTNER_PLAN.search(text[a : m.end()])
    ]
    if not ran or not elsewhere:
        return
    until = None
    for a, b in sentence_spans(text):
        if (m := _TOOK_OVER.search(text, a, b)) is not None:
            named = m.group("s").strip().lower()
            until = next((h.entered for h in deal.stage_history if h.stage.lower() == named), None)
            if until is not None:
                break
    start, end = elsewhere[0]
    yield Fact(
        kind="history_gap",
        ref=ref,
        quote=text[start:end],
        until=until,
        on=written,
        holder=_holder(text),
    )
