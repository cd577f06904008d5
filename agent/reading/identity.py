"""Who really spoke: a speaker label is not an identity.

`map_speakers` ties a label to a deal's person by name. That is enough to read whose words a
line holds, but not to act on the person: a single line labelled with the CFO's name would
otherwise raise the win probability, put her on the follow-up's To line and record her as
contacted in the CRM. A customer speaker is *confirmed* only when something outside the spoken
lines names them for this call:

- the meeting's attendee list in the request (when given, it is the whole list), or
- the deal's activity for this call (same date) listing them as a participant, or
- the transcript's own header (the recorder's title and attendee lines before the first turn,
  or a JSON file's fields beside its segments) naming them in full.

An unconfirmed speaker keeps the customer side (their words still count as the customer's), but
loses the person: `trusted` clears their `person_id`, so nothing built from it (patch, contact
dates, engagement, probability, e-mail recipients) treats them as that contact, and the debrief
asks the rep to confirm who spoke. The seller side is our own team and is not checked here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from agent.contracts.conversation import SpeakerMapping, Transcript
from agent.contracts.deal import Deal


def _named(header: Sequence[str], name: str) -> bool:
    """The full name as words in the header ("Owen Marchetti", any case, any spacing)."""
    words = [re.escape(w) for w in name.split()]
    if not words:
        return False
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
    return any(pattern.search(line) for line in header)


def confirm_speakers(
    t: Transcript, deal: Deal, on: dt.date | None, attendees: Sequence[str] = ()
) -> Transcript:
    """The transcript with each customer speaker's mapping marked confirmed or not (see the
    module's docstring); utterances are left as they are."""
    names = {c.id: c.name for c in deal.contacts}
    on_call = {
        pid for a in deal.activities if on is not None and a.date == on for pid in a.participants
    }
    listed = {a.strip().lower() for a in attendees}  # ids, or names as a rep types them

    def confirmed(m: SpeakerMapping) -> bool:
        if m.side != "customer" or m.person_id is None:
            return True
        name = names.get(m.person_id, "")
        if listed:  # the rep's list for this meeting is the whole list
            return m.person_id.lower() in listed or name.lower() in listed
        return m.person_id in on_call or _named(t.header, name)

    speakers = [m.model_copy(update={"confirmed": confirmed(m)}) for m in t.speakers]
    return t.model_copy(update={"speakers": speakers})


def unconfirmed(t: Transcript) -> list[SpeakerMapping]:
    return [m for m in t.speakers if not m.confirmed]


def trusted(t: Transcript) -> Transcript:
    """The transcript as the debrief may act on it: an unconfirmed speaker's lines stay the
    customer's, but are no one's in particular."""
    doubtful = {m.speaker for m in unconfirmed(t)}
    if not doubtful:
        return t
    utterances = [
        u.model_copy(update={"person_id": None}) if u.speaker in doubtful else u
        for u in t.utterances
    ]
    return t.model_copy(update={"utterances": utterances})
