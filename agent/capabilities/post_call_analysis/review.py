"""How the call went: what went well and what to improve, which messages landed, how receptive
the customer was, and what stood in the way.

The thresholds are a coach's rules of thumb, written here so they can be argued with: the
seller side should speak at most 60% of the words (above 65% is a finding), a run of more than
150 words without a pause is a monologue, and three open questions is the least a discovery or
negotiation call should hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from agent.analysis.conversation import excerpt
from agent.capabilities.post_call_analysis.contract import (
    MessageOutcome,
    NextStep,
    Obstacle,
    Receptiveness,
)
from agent.contracts.base import Level
from agent.contracts.conversation import Utterance
from agent.contracts.conversation_metrics import ConversationMetrics, TalkRatio
from agent.contracts.meeting_prep import Point
from agent.formatting import human, shorten
from agent.reading.talk_cues import is_frustration, is_stall, reply_takes_up, reply_waves_away

TALK_SHARE_GOOD = 0.60
TALK_SHARE_HIGH = 0.65
MONOLOGUE_WORDS = 150
OPEN_QUESTIONS_MIN = 3
MESSAGE_MIN_WORDS = 12
MESSAGE_CHARS = 160
ALL = "transcript.utterances"

# Answer to an objection, from the library: (suggested words, citations), or None.
Answerer = Callable[[str, str, str], tuple[str, list[str]] | None]


def u_ref(i: int) -> str:
    return f"transcript.utterances[{i}]"


def a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def messages_that_landed(us: Sequence[Utterance]) -> list[MessageOutcome]:
    """Seller statements the customer took up or waved away in their next turn; replies that
    do neither are left out rather than guessed."""
    out = []
    for i, u in enumerate(us):
        if u.side != "seller" or len(u.text.split()) < MESSAGE_MIN_WORDS:
            continue
        if "?" in u.text or "next step" in u.text.lower():
            continue  # the reply answers the question or the recap, not the message
        reply = next((r for r in us[i + 1 : i + 3] if r.side == "customer"), None)
        if reply is None:
            continue
        landed = reply_takes_up(reply.text)
        if not landed and not reply_waves_away(reply.text):
            continue
        out.append(
            MessageOutcome(
                index=u.index,
                speaker=u.speaker,
                message=shorten(u.text, MESSAGE_CHARS),
                landed=landed,
                response=shorten(reply.text, MESSAGE_CHARS),
                citations=[u_ref(u.index), u_ref(reply.index)],
            )
        )
    return out


Pushback = Literal["stall", "frustration"]


def pushbacks(us: Sequence[Utterance]) -> dict[int, Pushback]:
    """The customer's lines that stall or show frustration (frustration when both), by index:
    read once for the mood and the obstacles."""
    out: dict[int, Pushback] = {}
    for u in us:
        if u.side != "customer":
            continue
        if is_frustration(u.text):
            out[u.index] = "frustration"
        elif is_stall(u.text):
            out[u.index] = "stall"
    return out


def receptiveness(
    m: ConversationMetrics,
    us: Sequence[Utterance],
    messages: Sequence[MessageOutcome],
    pushed: Mapping[int, Pushback],
) -> Receptiveness:
    """`pushed`: the customer's stalls and frustration (`pushbacks`)."""
    customer = [u for u in us if u.side == "customer"]
    agreeing = [u.index for u in customer if reply_takes_up(u.text)]
    pushing = {o.index for o in m.objections} | set(pushed)
    # High: the customer asks (3+ questions) and accepts at least as often as they push back.
    # Low: mostly pushback (twice the agreements, 2+) from a customer who hardly asks.
    asked = m.customer_engagement.questions
    share = m.customer_engagement.turn_share
    level: Level
    if not customer and m.talk_ratio.unknown_words:  # the customer's words, if any, unknown
        return Receptiveness(
            level="unknown",
            customer_questions=0,
            customer_turn_share=0.0,
            agreements=0,
            pushbacks=0,
            detail=f"No speaker is known to be the customer's ({m.talk_ratio.unknown_words} "
            "words by speakers not on the deal): confirm who spoke",
            citations=[ALL],
        )
    if asked >= 3 and len(agreeing) >= len(pushing):
        level = "high"
    elif len(pushing) >= 2 and 2 * len(agreeing) < len(pushing) and asked <= 1:
        level = "low"
    else:
        level = "medium"
    landed = sum(msg.landed for msg in messages)
    detail = (
        f"{m.customer_engagement.speakers} customer speaker(s) took {pct(share)} of the turns, "
        f"asked {asked} question(s), agreed or built on what was said {len(agreeing)} time(s) "
        f"and pushed back {len(pushing)} time(s); {landed} of {len(messages)} judged "
        "message(s) landed"
    )
    refs = [u_ref(i) for i in sorted({*agreeing, *pushing})[:6]]
    return Receptiveness(
        level=level,
        customer_questions=asked,
        customer_turn_share=share,
        agreements=len(agreeing),
        pushbacks=len(pushing),
        detail=detail,
        citations=refs or [ALL],
    )


def obstacles(
    m: ConversationMetrics,
    us: Sequence[Utterance],
    answer: Answerer,
    pushed: Mapping[int, Pushback],
) -> list[Obstacle]:
    """`pushed`: the customer's stalls and frustration (`pushbacks`)."""
    out = []
    for o in m.objections:
        suggestion = answer(o.excerpt, o.category, us[o.index].person_id or o.speaker)
        refs = [u_ref(o.index)] + ([u_ref(o.reply_index)] if o.reply_index is not None else [])
        how = "handled: " + human(o.how) if o.handled else f"not handled ({human(o.how)})"
        out.append(
            Obstacle(
                kind="objection",
                handled=o.handled,
                detail=f'{o.speaker} raised {a(human(o.category))} objection: "{o.excerpt}" '
                f"({how})",
                suggested_response=suggestion[0] if suggestion else None,
                citations=refs + (suggestion[1] if suggestion else []),
            )
        )
    raised = {o.index for o in m.objections}
    for u in us:
        if u.index in raised or (kind := pushed.get(u.index)) is None:
            continue
        out.append(
            Obstacle(
                kind=kind,
                handled=False,
                detail=f'{u.speaker}: "{excerpt(u.text, 0)}"',
                citations=[u_ref(u.index)],
            )
        )
    return out


# Words by speakers not on the deal, as a share of all, up to which the talk balance is
# judged: past it, who spoke most is not known (an imported deal often has no contacts, and
# every customer's words are then unknown: "the seller side spoke 100%" would be false).
UNKNOWN_TALK_MAX = 0.10


def _sides_known(talk: TalkRatio) -> bool:
    known = talk.seller_words + talk.customer_words
    return known > 0 and talk.unknown_words <= UNKNOWN_TALK_MAX * (known + talk.unknown_words)


def review(
    m: ConversationMetrics,
    messages: Sequence[MessageOutcome],
    steps: Sequence[NextStep],
    advanced: Sequence[Point],
) -> tuple[list[Point], list[Point]]:
    """(went well, to improve), each point cited to the moments that show it."""
    well: list[Point] = []
    improve: list[Point] = []
    seller = m.talk_ratio.seller_share
    talk = f"the seller side spoke {pct(seller)} of the words, the customer {pct(1 - seller)}"
    if _sides_known(m.talk_ratio):
        if seller <= TALK_SHARE_GOOD:
            well.append(Point(text=f"Balanced talk: {talk}.", citations=[ALL]))
        elif seller > TALK_SHARE_HIGH:
            improve.append(
                Point(
                    text=f"Talk less: {talk}. Aim for at most {pct(TALK_SHARE_GOOD)}.",
                    citations=[ALL],
                )
            )
    open_qs = [q for q in m.seller_questions.items if q.kind == "open"]
    if len(open_qs) >= OPEN_QUESTIONS_MIN:
        examples = "; ".join(f'"{q.text}"' for q in open_qs[:2])
        well.append(
            Point(
                text=f"{len(open_qs)} open questions, for example {examples}",
                citations=[u_ref(q.index) for q in open_qs[:3]],
            )
        )
    else:
        improve.append(
            Point(
                text=f"Only {len(open_qs)} open question(s) from the seller side; plan at least "
                f"{OPEN_QUESTIONS_MIN} (what, how, why) for the next conversation.",
                citations=[u_ref(q.index) for q in m.seller_questions.items[:3]] or [ALL],
            )
        )
    for o in m.objections:
        refs = [u_ref(o.index)] + ([u_ref(o.reply_index)] if o.reply_index is not None else [])
        if o.handled:
            well.append(
                Point(
                    text=f"{human(o.category).capitalize()} objection from {o.speaker} met "
                    f"({human(o.how)}) instead of talked past.",
                    citations=refs,
                )
            )
        else:
            improve.append(
                Point(
                    text=f"{human(o.category).capitalize()} objection from {o.speaker} was "
                    f"{human(o.how)}: acknowledge it and ask about it before answering.",
                    citations=refs,
                )
            )
    mono = m.longest_seller_monologue
    if mono and mono.words > MONOLOGUE_WORDS:
        improve.append(
            Point(
                text=f"{mono.speaker} spoke {mono.words} words without a pause; break long "
                "explanations with a check-in question.",
                citations=[u_ref(i) for i in range(mono.first_index, mono.last_index + 1)][:3],
            )
        )
    for msg in messages:
        target = improve if not msg.landed else well
        verb = "landed" if msg.landed else "did not land"
        target.append(
            Point(
                text=f'{msg.speaker}\'s message {verb}: "{msg.message}" Reply: "{msg.response}"',
                citations=msg.citations,
            )
        )
    dated = [s for s in steps if s.due and s.customer_commitment == "confirmed"]
    if dated:
        well.append(
            Point(
                text=f"{len(dated)} next step(s) with a date and the customer's agreement.",
                citations=[c for s in dated for c in s.citations][:4],
            )
        )
    else:
        improve.append(
            Point(
                text="No next step with a date was agreed by the customer: close every call "
                "with an owner, a date and a yes.",
                citations=[ALL],
            )
        )
    well.extend(advanced)
    return well, improve
