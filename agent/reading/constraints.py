"""What stands between the deal and signature, as the free text says it: a budget freeze until a
date, a security or legal review and how long it takes, a tender, a procurement step, a
committee's date.

Rules a coach can read, one pattern per kind of constraint, the first kind a sentence names
winning; a constraint the text says is behind them (a freeze lifted, a review passed) is none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from agent.contracts.facts import ConstraintKind, Fact
from agent.gates import gate
from agent.months import MONTH
from agent.reading.dates import TAKES, resolve_when, weeks_in
from agent.reading.spans import sentence_spans

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
    rf"\b(?:the|its|their|our|this|that|last)\s+(?:Q[1-4]|(?:{MONTH})|\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:\s+(?:{MONTH}))?)\s+(?!(?:and|or|to|when|if|at|in|for|so|but|while|because|then|"
    r"with|before|after|until|unless|is|are|was|were|will|and|of)\b)[a-z][\w-]+",
    re.I,
)


_CONSTRAINT_GATES = [(kind, pattern, gate(pattern)) for kind, pattern in _CONSTRAINTS]


def read_constraints(ref: str, text: str, written: dt.date) -> Iterator[Fact]:
    """Constraints the text says stand between the deal and signature; one it says is behind
    them (a freeze lifted, a review passed) is none. A legal review is read even then: it
    shows the review started (agent/analysis/evidence_people.py)."""
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
                weeks = weeks_in(following) if TAKES.search(following) else None
            yield Fact(
                kind="constraint",
                ref=ref,
                quote=sentence,
                constraint=kind,
                until=until if until and until > written else None,
                weeks=weeks,
            )
            break  # one constraint per sentence: the first kind it names
