"""Details of a buying constraint that sit outside its own sentence: how many offers a tender
asks for, and a length said lines later in a conversation ("How long does that usually take?" /
"About ten weeks from publication to award")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.contracts.facts import Fact
from agent.reading.dates import COUNT, NUMBER_WORDS, TAKES, weeks_in
from agent.reading.spans import sentence_spans

_BIDDERS = re.compile(
    rf"\b(?P<n>{COUNT}) (?:competing |written |comparable )?"
    r"(?:quotes|quotations|offers|bids|bidders|tenders|proposals|vendors|suppliers)\b",
    re.I,
)


def bidders_in(text: str) -> int | None:
    """How many offers a tender asks for, when the words say ("minimum three offers")."""
    counts = [
        int(n) if n.isdigit() else NUMBER_WORDS.get(n.lower(), 0)
        for n in (m.group("n") for m in _BIDDERS.finditer(text))
    ]
    return max(counts) if counts else None


# A question about how long something takes: "How long does that usually take?", "What is the
# timeline for that?", "How many weeks?".
_HOW_LONG = re.compile(
    r"\b(?:how (?:long|many (?:weeks|days|months))|what(?:'s| is) the (?:timeline|timeframe|"
    r"lead time)|when (?:would|will|could) (?:that|it|this) (?:be )?(?:finish|end|close|done|"
    r"complete))",
    re.I,
)
REPLY_WINDOW = 3  # a length said this many lines after the constraint, in answer to a question


def lengths_from_replies(
    facts: Sequence[Fact], lines: Sequence[tuple[str, str, str]]
) -> list[Fact]:
    """In a conversation a constraint and its length often come in different lines: "it has to
    go as a public invitation" / "How long does that usually take?" / "About ten weeks from
    publication to award". `lines` are (ref, text, speaker) in order; a constraint read from one
    line without a length or an end takes the length the same speaker gives within
    REPLY_WINDOW lines, when it answers a question about time or says what something takes."""
    at = {ref: n for n, (ref, _, _) in enumerate(lines)}
    constraints = {f.ref for f in facts if f.kind == "constraint"}
    out = []
    for fact in facts:
        n = at.get(fact.ref)
        if fact.kind != "constraint" or n is None or fact.weeks or fact.until:
            out.append(fact)
            continue
        speaker, weeks = lines[n][2], None
        for k in range(n + 1, min(len(lines), n + 1 + REPLY_WINDOW)):
            ref, text, who = lines[k]
            if who != speaker:
                continue
            spans = sentence_spans(text)
            first = text[slice(*spans[0])] if spans else text
            asked = any(_HOW_LONG.search(lines[j][1]) for j in range(n + 1, k))
            if (asked or TAKES.search(first)) and (weeks := weeks_in(first)) is not None:
                break
            if ref in constraints:
                break  # the speaker moved on to another constraint
        out.append(fact.model_copy(update={"weeks": weeks}) if weeks else fact)
    return out
