"""Speaker labels mapped to the deal's people, and so to the seller or the customer side.

Kept apart from parsing (transcripts.py): a transcript is parsed once and mapped against a
deal when one is known (the debrief, live assist, the conversation analysis).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from pydantic import TypeAdapter

from agent.contracts.conversation import Side, SpeakerMapping, Transcript, Utterance
from agent.contracts.deal import Deal

How = Literal["exact", "first_name", "last_name", "unmapped"]
UNKNOWN: Side = "unknown"
_TITLE = re.compile(r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)")
_UTTERANCES = TypeAdapter(list[Utterance])


def map_speakers(transcript: Transcript, deal: Deal) -> Transcript:
    """Map speaker labels to the deal's people: exact full name, then a unique first name, then
    a unique last name (also "Ms. Cole"), case-insensitively. The owner and team are the seller
    side, contacts the customer side; labels matching nobody are listed as unmapped."""
    sides: dict[str, tuple[str, Side]] = {m.id: (m.name, "seller") for m in deal.team}
    sides.update({deal.owner.id: (deal.owner.name, "seller")})
    sides.update({c.id: (c.name, "customer") for c in deal.contacts})
    people = [(pid, toks) for pid, (name, _) in sides.items() if (toks := _tokens(name))]
    maps: dict[str, SpeakerMapping] = {}
    for label in dict.fromkeys(u.speaker for u in transcript.utterances):
        pid, how = _match(_tokens(label), people)
        name, side = sides[pid] if pid else (None, UNKNOWN)
        maps[label] = SpeakerMapping(speaker=label, person_id=pid, name=name, side=side, how=how)
    fields = {k: {"person_id": m.person_id, "side": m.side} for k, m in maps.items()}
    # __dict__ holds a pydantic model's field values; one list validation beats 600 copies
    rows = [{**u.__dict__, **fields[u.speaker]} for u in transcript.utterances]
    utterances = _UTTERANCES.validate_python(rows)
    unmapped = [m.speaker for m in maps.values() if m.how == "unmapped"]
    update = {"utterances": utterances, "unmapped": unmapped, "speakers": list(maps.values())}
    return transcript.model_copy(update=update)


def _tokens(name: str) -> list[str]:
    """Lower-case name words without punctuation, "(Brightwell)" notes or "| company" suffixes."""
    name = re.sub(r"\(.*?\)|\|.*$", " ", name.lower())
    return re.sub(r"[^\w\s'-]|_|\d", " ", name).split()


def _match(toks: list[str], people: list[tuple[str, list[str]]]) -> tuple[str | None, How]:
    """One person or none: a rule that matches two people maps nobody rather than guessing."""
    titled = bool(toks) and _TITLE.fullmatch(toks[0]) is not None
    toks = toks[1:] if titled else toks
    if not toks:
        return None, "unmapped"
    one, first, last = len(toks) == 1, toks[0], toks[-1]
    tests: dict[How, Callable[[list[str]], bool]] = {
        "exact": lambda n: n == toks,
        "first_name": lambda n: not titled and n[0] == first and (one or n[-1].startswith(last)),
        "last_name": lambda n: n[-1] == last and (one or n[0][0] == first[0]),
    }
    for how, test in tests.items():
        hits = [pid for pid, n in people if test(n)]
        if len(hits) == 1:
            return hits[0], how
    return None, "unmapped"
