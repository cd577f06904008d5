"""What the buyer said in their own words: the payoff of solving the problem, its personal cost
to them, and the problem itself, each kept apart from what the seller said.

SPIN's Need-payoff counts only when the buyer states the benefit ("if refunds went out within two
days we would stop the complaint spike"); the same sentence from the rep is a value claim the
buyer has not bought. Sandler's Pain reaches past the business problem to what it costs the buyer
personally. The rules, as phrase patterns read inside someone's words (actors.voices: a quote, a
reported statement, a customer's call line):

- **stated_value** (a customer's words) or **value_by_seller** (the rep's): a conditional benefit
  ("if <it were fixed>, we would / I could <stop, save, free up, move, focus ...>"), a benefit
  verb after "that would / it would" (help, let us, save, mean, free up, pay for itself), "we'd
  finally ...", or "the payoff / the win for us is". A hedge in the buyer's words ("maybe",
  "might", "not sure") or a negation leaves it unstated.
- **personal_pain**: the problem's cost to the person: "personally", their bonus, job, review,
  reputation or weekends; "tired of", "fed up", "keeps me up", stress, burnout, "every Sunday",
  "blamed", "I'm the one who ...". Read in a customer's words, or about a customer ("her bonus").
- **stated_problem**: the customer names or agrees to a problem: "the main problem", "the biggest
  issue", "pain point", "Problem, in Ivana's words", "this is a real problem".
"""

from __future__ import annotations

import re

from agent.contracts.context import DealContext
from agent.reading.actors import SELLER, Cue, DealText, Reader, deal_text, voice_at, voices
from agent.reading.patterns import any_words

_BENEFIT = (
    r"stop|save|cut|reduce|free(?: up)?|gain|finally|get back|move|spend|focus|grow|avoid|"
    r"catch|recover|improve|help|let|allow|close|ship|answer|hit|meet|sleep|handle|"
    r"be able to|stop paying|see"
)
_MODAL = r"(?:['’]d|\s+would|\s+could|\s+can|\s+will|['’]ll)"
STATED_VALUE = any_words(
    rf"if\b(?P<cond>[^.;?]{{3,140}}?)\b(?:we|i|they|it|that|this|you|she|he|"
    rf"(?:my|our|the|her|his|their) \w+)"
    rf"{_MODAL}\s+(?:\w+\s+)?(?:{_BENEFIT})|"
    r"(?:that|this|it|which)(?:['’]d|\s+would|\s+could|\s+will|['’]ll)\s+(?:really\s+|finally\s+|"
    r"also\s+)?(?:help|let|save|free|mean|allow|give|cut|stop|pay for itself|change|"
    r"make (?:a|the|all the) (?:big |real )?difference|be (?:worth|huge|a (?:big|huge|real) "
    r"(?:win|help|difference)|a game[- ]changer))|"
    rf"(?:we|i)(?:['’]d|\s+would|\s+could)\s+(?:finally\s+|then\s+)?(?:{_BENEFIT})|"
    r"(?:the )?(?:payoff|benefit|win|upside|value) (?:for (?:us|me|my team|the team) )?"
    r"(?:is|would be|will be)|"
    r"(?:would|could|will)\s+(?:save|cut|free up|reduce|eliminate|halve)"
)
_COND_NEGATED = re.compile(r"\b(?:not|never|nothing)\b|n['’]t\b", re.IGNORECASE)
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|might|not sure|unsure|possibly|i guess|in theory)\b", re.IGNORECASE
)
PERSONAL_PAIN = any_words(
    r"personally|(?:her|his|my|their) (?:own )?(?:bonus|job|role|review|reputation|standing|"
    r"credibility|career|promotion|weekends?|evenings?|nights?|sleep|sundays?|saturdays?|"
    r"holidays?|family time)|(?:tired|sick) of|fed up|keeps? (?:me|her|him|them) (?:up|awake)|"
    r"los(?:e|es|ing) sleep|embarrass\w*|stress(?:ed|ful|es)?(?![- ]?test)|"
    r"burn(?:ed|t|ing)? out|burnout|"
    r"(?:every|each) (?:sunday|saturday|weekend|evening|night)|at (?:midnight|night|weekends)|"
    r"blamed|takes? the (?:heat|blame)|in the firing line|on the hook|"
    r"(?:job|neck|reputation|head) (?:is )?on the line|"
    r"(?:i|she|he)(?:['’]m|\s+am|\s+is|['’]s) the (?:one|person) (?:who|that)"
)
STATED_PROBLEM = any_words(
    r"(?:main|biggest|real|top|key|core|number one|big|major|constant|daily) (?:problem|issue|"
    r"pain|headache|bottleneck|challenge|complaint|frustration)s?|pain ?points?|"
    r"(?:problem|pain|issue)s?,? in (?:her|his|their|[\w’'-]+['’]s) (?:own )?words|"
    r"complain(?:s|ed|ing)? (?:about|that|of)|complaints (?:about|doubled|rose|are up)|"
    r"(?:is|are|was|were|has been|have been) (?:a|the|their|our|her|his) (?:\w+ )?(?:problem|"
    r"issue|pain|bottleneck|headache)"
)


def _is_value(m: re.Match[str]) -> bool:
    cond = m.group("cond")
    return cond is None or _COND_NEGATED.search(cond) is None


def read_buyer_words(ctx: DealContext, shared: DealText | None = None) -> list[Cue]:
    """stated_value, value_by_seller, personal_pain and stated_problem cues in the deal's text."""
    text = deal_text(ctx, shared)
    people = text.people
    cues: list[Cue] = []
    for src in text.sources:
        if src.planned:
            continue  # a next step says what is to be said, not what was
        reader = Reader(src, people)
        spoken = voices(src, people, reader)
        for a, sentence in reader.sentences():
            for kind, pattern in (
                ("stated_value", STATED_VALUE),
                ("personal_pain", PERSONAL_PAIN),
                ("stated_problem", STATED_PROBLEM),
            ):
                for m in pattern.finditer(sentence):
                    if kind == "stated_value" and not _is_value(m):
                        continue
                    cue = _cue(kind, m, sentence, a, src.ref, spoken, reader)
                    if cue is not None:
                        cues.append(cue)
    return cues


def _cue(
    kind: str,
    m: re.Match[str],
    sentence: str,
    offset: int,
    ref: str,
    spoken: list[tuple[int, int, str | None]],
    reader: Reader,
) -> Cue | None:
    """Whose words the phrase is in, and whether they say it happened."""
    inside, voice = voice_at(spoken, offset + m.start())
    phrase = m.group(0)
    who: str | None
    if inside:  # in someone's own words: theirs, whoever else the sentence names
        who, actor_end, asked = voice or "customer", _voice_start(spoken, offset + m.start()), False
        actor_end = max(0, actor_end - offset)
    else:
        who, actor_end, asked = reader.actor(sentence, m.start(), m.end())
        if kind == "personal_pain" and phrase.lower().startswith(("her ", "his ")):
            who = reader.pronoun("she", None)
        if kind == "personal_pain" and who is None:  # "for Nadia personally": the one named
            who = next((w for w in _customers_in(sentence, reader)), None)
        named = _customers_in(phrase, reader)
        if kind == "stated_problem" and named:  # "Problem, in Ivana's words: ..."
            who = named[0]
        if kind == "stated_problem" and who is None and reader.src.customers:
            who = "customer"  # a discovery summary of a call with the customer
    if who is None:
        return None
    if kind == "stated_value" and who == SELLER:
        kind = "value_by_seller"
    elif who == SELLER:
        return None
    start = min(actor_end, m.start())
    polarity = reader.polarity(sentence, start, m.start(), m.end(), asked)
    if kind == "stated_value":  # its own modal is the point: only negation and hedges count
        clause = sentence[start : m.end()]
        hedged = _HEDGE.search(clause) or _COND_NEGATED.search(phrase)
        polarity = "not_done" if hedged else "done"
    elif polarity == "intended" and kind != "stated_problem":
        return None
    return Cue(kind, polarity, who, ref, sentence, phrase)


def _customers_in(sentence: str, reader: Reader) -> list[str]:
    people = reader.people
    found = [people.who(m.group(0)) for m in people.pattern.finditer(sentence)]
    return [w for w in found if w is not None and w != SELLER]


def _voice_start(spoken: list[tuple[int, int, str | None]], at: int) -> int:
    inside = [(e - s, s) for s, e, _ in spoken if s <= at < e]
    return min(inside)[1] if inside else 0
