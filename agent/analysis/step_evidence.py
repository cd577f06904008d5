"""What the record's text says about a process step that the CRM fields cannot show.

Three rules, each about when text may stand in for the activity log:

- **A manual step speaks through the text.** An exit criterion with no evidence check (a
  security questionnaire returned, a reference call held) is done when the latest statement
  naming it says it was done, not done when that statement says it was not, and unknown when
  nothing names it: silence about a manual step is not a miss.
- **Logged is not held.** A logged activity whose outcome says it did not take place (a
  no-show, cancelled, moved: agent/reading/occurrence.py) is no evidence of the step; the rep
  is asked to rebook it.
- **Work held but not logged.** A required activity with no CRM activity is done when the text
  reports one of its kind held before the deal left the stage ("ran the mapping workshop with
  Ana on 3 Nov"); the rep is asked to log it. A meeting or a call is too common a word to stand
  for a named step alone, so it must also share the step's own words. The summary of an
  activity that did not take place reports nothing held.
- **An incomplete history.** When the text says the record was migrated or its history not
  imported, or that a partner ran the deal first and its minutes are not in this CRM, the
  absence of evidence before the record starts is unknown, not a miss. What the partner is
  said to have held, in the words that say its records are elsewhere, stays unknown until its
  minutes are logged: the record holds nothing to check it against.

A step is named by its description's own subject words ("security", "questionnaire"), without
the words that only say what state it must reach ("returned", "accepted").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from agent.analysis.evidence import FROM_ACTIVITY_LOG
from agent.analysis.model import CriterionStatus, RecordGap
from agent.analysis.stage import stage_windows
from agent.contracts.deal import ActivityType, Deal
from agent.contracts.facts import Fact, Reading
from agent.contracts.upstream import ProcessStandards
from agent.reading.activity_index import activity_index
from agent.reading.occurrence import NotHeld


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _words(
    """the and with for from our their its his her this that these those has have had been
    was were are is be being all any least two three one who whom which what when where before
    after into onto over under about than then them they there each per via by at on in of to
    an or not yet customer customers deal stage step someone something both parties party
    side sides team teams people person formal formally relevant required mutual joint final
    initial first second new full written official tailored detailed"""
)
# Words that say which state a step must reach, not what the step is.
_STATE = _words(
    """returned accepted approved completed complete done signed countersigned executed sign-off
    off agreed confirmed
    received sent held delivered passed started finished documented known identified named
    shared reviewed validated engaged met given presented submitted run ran booked scheduled
    recorded logged written"""
)
# Activity kinds distinctive enough that one reported held is the step; a meeting or a call
# must also share the step's words.
DISTINCTIVE: frozenset[ActivityType] = frozenset({"workshop", "demo", "presentation", "proposal"})
_ACTIVITY_WORDS = _words(
    """workshop workshops demo demos demonstration session sessions meeting meetings call calls
    presentation proposal walkthrough"""
)


def subject_terms(description: str) -> tuple[str, ...]:
    """The words that name what a step is about, in order."""
    words = re.findall(r"[a-z][a-z0-9-]+", description.lower())
    return tuple(
        dict.fromkeys(w for w in words if len(w) >= 3 and w not in _STOP and w not in _STATE)
    )


def _stem(term: str) -> str:
    """Enough of a word to match its forms ('questionnaires', 'mapped'), not its neighbours."""
    return term if len(term) <= 5 else term[: len(term) - (2 if len(term) <= 8 else 3)]


def terms_named(terms: Sequence[str], text: str) -> int:
    words = re.findall(r"[a-z][a-z0-9-]+", text.lower())
    return sum(any(w.startswith(_stem(t)) for w in words) for t in terms)


def names_step(terms: Sequence[str], text: str) -> bool:
    """The text names the step: all of its subject words, or two when it has more than two."""
    if not terms:
        return False
    return terms_named(terms, text) >= min(len(terms), 2)


def said_of(reading: Reading, description: str, upto: dt.date) -> Fact | None:
    """The latest statement, up to `upto`, that names the step and says it was done or not."""
    terms = subject_terms(description)
    found = [
        (f.on or upto, i, f)
        for i, f in enumerate(reading.of("progress"))
        if (f.on is None or f.on <= upto) and names_step(terms, f.quote)
    ]
    return max(found, key=lambda x: (x[0], x[1]))[2] if found else None


def logged_held(
    deal: Deal, types: Sequence[str], upto: dt.date
) -> tuple[list[int], list[tuple[int, NotHeld]]]:
    """Activities of `types` logged up to `upto`: those that took place (indices, oldest
    first), and those the record says did not (with how), latest first."""
    index = activity_index(deal)  # by type, with what did not take place, once per deal
    held, off = [], []
    for i in sorted(i for t in dict.fromkeys(types) for i in index.by_type.get(t, ())):
        if deal.activities[i].date > upto:
            continue
        if (missed := index.missed.get(i)) is None:
            held.append(i)
        else:
            off.append((i, missed))
    return held, off[::-1]


def _not_held_refs(deal: Deal | None) -> tuple[str, ...]:
    if deal is None:
        return ()
    return tuple(f"deal.activities[{i}]." for i in sorted(activity_index(deal).missed))


def held_in_text(
    reading: Reading,
    types: Sequence[str],
    description: str,
    upto: dt.date,
    deal: Deal | None = None,
) -> Fact | None:
    """The latest report, up to `upto`, of an activity of one of `types` held: a distinctive
    kind (a workshop, a demo) as it is, a meeting or a call only when it shares the step's
    words. With `deal`, the summary of an activity that did not take place reports nothing."""
    terms = [t for t in subject_terms(description) if t not in _ACTIVITY_WORDS]
    off = _not_held_refs(deal)
    found = [
        f
        for f in reading.of("progress")
        if f.done
        and not (off and f.ref.startswith(off))
        and f.activity in types
        and f.on is not None
        and f.on <= upto
        and (f.activity in DISTINCTIVE or terms_named(terms, f.quote) >= 1)
    ]
    return max(found, key=lambda f: f.on or upto) if found else None


def record_gap(deal: Deal, reading: Reading) -> RecordGap | None:
    """When the record's history starts, if the text says it is incomplete: the date the text
    names, else the earlier of the first logged activity and the day the text said so."""
    gaps = reading.of("history_gap")
    if not gaps:
        return None
    first = min((a.date for a in deal.activities), default=None)

    def starts(f: Fact) -> dt.date:
        if f.until is not None:
            return f.until
        known = [d for d in (f.on, first) if d is not None]
        return min(known) if known else deal.created

    latest = max(gaps, key=starts)
    return RecordGap(
        until=starts(latest),
        quote=latest.quote,
        citations=list(dict.fromkeys(f.ref for f in gaps)),
        holder=latest.holder,
    )


def still_unmet(
    earlier: list[CriterionStatus],
    process: ProcessStandards | None,
    deal: Deal,
    gap: RecordGap | None,
    as_of: dt.date,
) -> list[CriterionStatus]:
    """Earlier stages' unmet criteria, without those whose only evidence is an activity log
    that does not reach back to when the deal was in that stage: not known is not unmet."""
    if gap is None or process is None:
        return earlier
    windows = stage_windows(deal, process, as_of)
    check_of = {
        (stage.name, c.id): (i, c.check)
        for i, stage in enumerate(process.stages)
        for c in stage.exit_criteria
    }
    kept = []
    for status in earlier:
        index, check = check_of.get((status.stage, status.id), (None, None))
        if index is not None and check in FROM_ACTIVITY_LOG and windows[index].start < gap.until:
            continue
        kept.append(status)
    return kept
