"""Vendors a customer says are in play: evaluated alongside us ("we are also looking at
Stackwise") or bidding against us ("Norvik is bidding too"), read from what they say.

The deal's listed competitors are known; these are the ones a call or a note names that the
record may not list yet, for the competitor reading and the call's metrics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.reading.patterns import on_first_use
from agent.reading.talk_cues import sentences

# A vendor the customer says they are also evaluating, named after the verb: "procurement also
# asked us to look at Stackwise", "we invited Vantage Flowworks", "the team is trialling Kaizen
# Loop". A weak verb ("look at", "seen", "met") counts only with a word that says another option
# is in play, so "look at Thursday's plan" or "talk to Dimitra" are not vendors.
_STRONG_EVAL = (
    r"evaluat(?:e|es|ing|ed)|trial(?:l)?(?:ing|ed)|pilot(?:ing|ed)|"
    r"shortlist(?:ed|ing)?|compar(?:e|es|ed|ing) (?:you|us|it) (?:with|to|against)|"
    r"(?:quote|demo|proposal|presentation|pitch) from"
)
_WEAK_EVAL = (
    r"look(?:ing|ed)? at|consider(?:ing|ed)?|talk(?:ing|ed)? to|invit(?:e|es|ed|ing)|seen|saw|"
    r"met with"
)
_VENDOR = on_first_use(
    rf"\b(?:(?P<strong>{_STRONG_EVAL})|(?P<weak>{_WEAK_EVAL}))\s+"
    r"(?P<name>[A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,2})"
)
# A vendor the customer says will compete for the business, named before the verb: "Aquanet
# will surely bid", "Norvik is bidding too", "Tessaly quoted for it last year". The name must
# start the clause (sentence start or after a comma or "and"), so "we asked them to bid" or
# "the tender where Acme bid" need the name itself to be the one bidding.
_BID_FILLERS = (
    r"(?:(?:will|would|could|may|might|also|too|surely|certainly|probably|likely|already|"
    r"(?:is|are) (?:going|planning|expected) to|plans? to|wants? to|intends? to|is|are)\s+){0,3}"
)
_BID_VERB = (
    r"(?:bid(?:s|ding)?|compet(?:e|es|ing)|tender(?:s|ing|ed)?|quot(?:e|es|ed|ing)|"
    r"pitch(?:es|ed|ing)?)\b"
)
_BIDDER = on_first_use(
    r"(?:^|[,;:]\s+|\band\s+)(?P<name>[A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,2})(?:['’]s)?\s+"
    rf"(?:[^,.;]{{0,60}},?\s+(?:and|so)\s+(?:they|it)\s+)?{_BID_FILLERS}{_BID_VERB}"
)
_ANOTHER_OPTION = on_first_use(
    r"\b(?:also|another|other|else|alternatives?|vendors?|competitors?|instead|options?|"
    r"presented|demo(?:ed)?|quoted?|pitched)\b",
    re.I,
)
_PRONOUNS = "i we you they he she it the this that these those our your their my his her its a an"
_CALENDAR = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december q1 q2 q3 q4"
)
# Parts of the customer that run a purchase, not vendors in it ("Procurement will tender it").
_FUNCTIONS = "procurement purchasing finance legal security operations board management everyone"
_NOT_VENDORS = frozenset(f"{_PRONOUNS} {_CALENDAR} {_FUNCTIONS}".split())


def excluded_words(phrases: Iterable[str]) -> frozenset[str]:
    """The words of names that are not vendors here, for `vendors_named`: built once for a
    whole call rather than again for each of its lines."""
    return frozenset(w.lower() for phrase in phrases for w in _NAME_WORD.findall(phrase))


_NAME_WORD = re.compile(r"[\w&-]+")


def vendors_named(
    text: str, exclude: Iterable[str] = (), skip: frozenset[str] | None = None
) -> list[str]:
    """Vendor names a text says are being evaluated alongside us, or will bid against us;
    `exclude` holds words that are not vendors here (people, the account, our own products),
    or `skip` those words already lower-cased (`excluded_words`)."""
    skip = excluded_words(exclude) if skip is None else skip
    found: list[str] = []
    for sentence in sentences(text):
        for m in [*_VENDOR.finditer(sentence), *_BIDDER.finditer(sentence)]:
            if (
                "weak" in m.re.groupindex
                and m.group("weak")
                and not _ANOTHER_OPTION.search(sentence)
            ):
                continue
            words = re.sub(r"['’]s$", "", m.group("name")).split()
            while words and (words[-1].lower() in _NOT_VENDORS or words[-1].lower() in skip):
                words.pop()
            if not words or any(w.lower() in _NOT_VENDORS | skip for w in words):
                continue
            name = " ".join(words)
            if name not in found:
                found.append(name)
    return found
