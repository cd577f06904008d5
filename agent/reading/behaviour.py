"""What customer people did for the deal, read from its text: the behaviours that show a champion
or a Mobilizer, whatever the CRM's role tag says.

A role tag is somebody's opinion; behaviour is evidence. MEDDICC tests a champion by access to
power, inside information and selling for us when we are not in the room; Challenger finds
Mobilizers by what they get others to do. The cues, one family each, as readable rules (each a
phrase pattern; actor, negation and intention are read by actors.py):

- **access**: an access verb (arranged, set up, booked, secured, introduced us, got us in front
  of ...) in a sentence that names power: the economic buyer by name, an executive title (CFO,
  COO, managing director ...) or a body that decides (the board, the executive committee).
- **inside_info**: words that are inside information by themselves ("briefed us", "tipped us
  off", "internal feedback"), or a telling verb (told us, walked us through, explained, shared,
  could not say, does not know) followed by an inside topic: a competitor's bid, who is sceptical
  or pushing back, how or by whom a purchase is approved or decided, internal politics.
- **advocacy**: selling for us: argued for, made the case, pushed for, advocated, lobbied,
  presented the case or the data herself, took the proposal to the board or leadership.
- **mobilizing**: getting others to act: convened or organised an internal session, rallied or
  brought people together, ran their own survey or analysis, built the business case, challenged
  a colleague who resisted, asked how to make the case to leadership or who would push back.

Each cue is kept with its polarity: done, or not done ("she has not taken it to the board",
"declined to introduce us"); intentions ("she will take it to leadership") are dropped, because
a promise is not yet behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from agent.contracts.context import DealContext
from agent.reading.actors import SELLER, Cue, DealText, People, Reader, deal_text
from agent.reading.patterns import any_words

BehaviourKind = Literal["access", "inside_info", "advocacy", "mobilizing"]


POWER = any_words(
    r"CEO|CFO|COO|MD|chief (?:executive|financial|operating|revenue|commercial) officer|"
    r"chief executive|managing director|general manager|finance director|(?:the|company|"
    r"business) owner|founder|president|chair(?:man)?|"
    r"board|executive (?:committee|team)|exco|leadership(?: team)?|"
    r"management team|steering (?:committee|group)|investment committee|signer|signatory|"
    r"budget holder|decision[- ]maker|C-suite|VP|vice president|director general"
)
ACCESS = any_words(
    r"arrang(?:ed|es|ing)|set(?:s|ting)? up|book(?:ed|s)|secur(?:ed|es)|schedul(?:ed|es)|"
    r"lined up|got us|gets us|opened (?:the|a) door|introduc(?:ed|es|e) us|"
    r"(?:get|gets|got|give|gives|gave) (?:us )?access|"
    r"made the introduction|put us in front of|connected us|brought (?:us|\w+) in|"
    r"took us to meet|invited us to meet|got (?:\w+ ){0,2}to (?:meet|see|join)"
)
INSIDE_STRONG = any_words(
    r"briefed us|briefs us|brief(?:ed)? (?:us|me|the team) (?:beforehand|in advance|on)|"
    r"tipped us off|tips us off|gave us (?:a )?heads[- ]up|warned us|"
    r"inside (?:information|info|view)|internal (?:feedback|information|info|view|politics|"
    r"discussions?|debate)|off the record|behind the scenes|back-?channel"
)
INSIDE_VERB = any_words(
    r"told us|tells us|tell us|let us know|lets us know|(?<!a )(?<!the )shared|shares|share|"
    r"showed us|"
    r"shows us|walked us through|walks us through|explained|explains|passed on|gave us|"
    r"say|know|knows|sure"
)
INSIDE_TOPIC = any_words(
    r"(?:competitor|competing|rival|other vendor|incumbent)\w*['’]?s?\s(?:\w+\s){0,2}"
    r"(?:bid|quote|offer|price|pricing|proposal|terms)|internal\w*|politics|feedback|"
    r"sceptic\w*|skeptic\w*|against us|pushing back|push back|resist\w*|"
    r"(?:controlling|cost|finance|financial|internal) (?:data|figures|numbers)|"
    r"(?:other|competing|rival) (?:bidders?|vendors?|suppliers?|offers?|bids?)|competitors?|"
    r"the competition|"
    r"(?:how|who|when|why|by whom)\b[^.;]{0,60}?\b(?:approv\w*|decid\w*|decision|sign\w*|"
    r"bought|buy|purchas\w*|budget|funded|test|wants?|cares?|thinks?)|"
    r"(?:which|what)\b[^.;]{0,40}?\b(?:sceptic\w*|skeptic\w*|against|test|want|care|think|"
    r"worr\w*|object\w*)"
)
ADVOCACY = any_words(
    r"argued|argues|made (?:the|a|our) case|makes (?:the|our) case|pushed (?:hard )?for|"
    r"pushes for|advocated|advocates|championed|championing|champions (?:us|it|the)|lobbied|"
    r"lobbies|"
    r"defended (?:us|our|the (?:proposal|project|business case|pilot))|went to bat|"
    r"vouched for|spoke up for|speaks up for|"
    r"sold (?:it|the idea|the project|us|the case) internally|"
    r"presented (?:the|our|her|his|their) (?:own )?(?:case|data|numbers|business case|"
    r"findings|results|[\w-]+ data)|recommended (?:us|our)|"
    r"owns? the internal (?:pitch|business case|case)|sell(?:s|ing) (?:it|us|the project) "
    r"internally|sponsors (?:the|this|our) (?:programme|program|project|initiative)|"
    r"dr(?:ove|ives) (?:every step|the (?:evaluation|project|process|decision))|"
    r"(?:took|taken|takes|take|brought|escalated) (?:it|this|the case|the proposal|our proposal|"
    r"the business case|the project) (?:up )?to (?:the |her |his |their )?(?:board|leadership|"
    r"executive|management|committee|steering|CEO|CFO|COO|MD|boss|VP|director)"
)
MOBILIZING = any_words(
    r"conven(?:e|ed|es)|rall(?:y|ied|ies)|(?:bring|brings|brought) together|"
    r"(?:pull|pulls|pulled) together|"
    r"gathered (?:the|her|his|their)|organi[sz]ed(?=\s+(?:by|a|an|the|her|his|their)\b)|"
    r"organi[sz]es|set up (?:a|an|the) (?:internal )?(?:session|meeting|workshop|review|"
    r"working group)|"
    r"ran (?:her|his|their) own (?:survey|analysis|study|numbers|assessment|pilot|trial|count|"
    r"audit)|built (?:the|a|her|his|their) (?:own )?(?:business )?case|"
    r"challenged (?:the|a|her|his|their|\w+) [^.;,]{0,40}?(?:who|that) (?:resisted|objected|"
    r"pushed back|disagreed|doubted)|won over|got buy-in|secured buy-in|built (?:consensus|"
    r"support)|lined up support|"
    r"asked (?:us )?how (?:to|she could|he could|they could|we could) (?:present|make|take|"
    r"build|sell|pitch|frame|position|get)\b[^.;]{0,40}?\b(?:case|proposal|leadership|board|"
    r"committee|approval|buy-in)|asked (?:us )?who (?:would|will|might) (?:push back|object|"
    r"resist|block)"
)


def _power(sentence: str, people: People, buyers: Sequence[str]) -> bool:
    if POWER.search(sentence):
        return True
    return any(m for m in people.pattern.finditer(sentence) if people.who(m.group(0)) in buyers)


def _inside(sentence: str, competitors: re.Pattern[str] | None) -> list[re.Match[str]]:
    found = list(INSIDE_STRONG.finditer(sentence))
    for m in INSIDE_VERB.finditer(sentence):
        rest = sentence[m.end() :]
        if INSIDE_TOPIC.search(rest) or (competitors is not None and competitors.search(rest)):
            found.append(m)
    return found


def read_behaviour(ctx: DealContext, shared: DealText | None = None) -> list[Cue]:
    """Every behaviour cue in the deal's text, customer or seller, done or not done."""
    text = deal_text(ctx, shared)
    people = text.people
    buyers = [c.id for c in ctx.deal.contacts if c.dmu_role == "economic_buyer"]
    names = [*ctx.deal.competitors]
    if ctx.competitive is not None:
        names += [c.competitor for c in ctx.competitive.battle_cards]
    rivals = any_words("|".join(re.escape(n) for n in names if n)) if any(names) else None
    cues: list[Cue] = []
    for src in text.sources:
        reader = Reader(src, people)
        for _, sentence in reader.sentences():
            found: list[tuple[str, re.Match[str]]] = []
            if _power(sentence, people, buyers):
                found += [("access", m) for m in ACCESS.finditer(sentence)]
            found += [("inside_info", m) for m in _inside(sentence, rivals)]
            found += [("advocacy", m) for m in ADVOCACY.finditer(sentence)]
            found += [("mobilizing", m) for m in MOBILIZING.finditer(sentence)]
            for kind, m in sorted(found, key=lambda f: f[1].start()):
                who, actor_end, asked = reader.actor(sentence, m.start(), m.end())
                polarity = reader.polarity(sentence, actor_end, m.start(), m.end(), asked)
                if polarity == "intended":
                    continue
                cues.append(Cue(kind, polarity, who, src.ref, sentence, m.group(0)))
    return _deduplicated(cues)


def _deduplicated(cues: list[Cue]) -> list[Cue]:
    """One cue per kind, person and words: overlapping rules that find the same words once."""
    seen: set[tuple[str, str | None, str, str, str]] = set()
    out = []
    for c in cues:
        key = (c.kind, c.who, c.ref, c.quote, c.phrase.lower())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def customer_cues(cues: Sequence[Cue]) -> list[Cue]:
    return [c for c in cues if c.who is not None and c.who != SELLER]
