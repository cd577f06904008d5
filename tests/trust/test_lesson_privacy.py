"""Lessons travel to other deals and other reps, so they keep no person (any language, any
case), contact detail, amount (digits or words), company, deal id or industry. The names are
generated from many languages and planted in a deal's contacts, notes and call; none may reach
the lesson store or another rep's debrief."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

from agent.analysis import analyze_deal
from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.post_call_analysis.build import build_debrief
from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult
from agent.capabilities.post_call_analysis.lessons import scrub
from agent.contracts.principal import Principal
from agent.contracts.request import CoachingRequest
from agent.grounding.vocabulary import ordinary_words
from agent.memory import open_store
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import parse_transcript
from agent.retrieval import index_for
from agent.service import coach
from agent.settings import CoachContext
from tests.factories import AS_OF, activity, contact, make_context

FIRST = {
    "Polish": ["Łukasz", "Małgorzata", "Grzegorz", "Agnieszka", "Wojciech"],
    "German": ["Jürgen", "Gerlinde", "Wolfgang", "Hannelore"],
    "Turkish": ["Çağla", "Mehmet", "Şükrü", "Gülşen"],
    "Chinese": ["Xiaoming", "Shuzhen", "Zhiqiang", "Jingyi"],
    "Hindi": ["Priyanka", "Rajesh", "Aishwarya", "Venkatesh"],
    "Spanish": ["Begoña", "Ximena", "Joaquín", "Inmaculada"],
    "Arabic": ["Abdulrahman", "Fatimah", "Yousef", "Khadija"],
    "Nigerian": ["Chukwuemeka", "Oluwaseun", "Ngozi", "Adaeze"],
    "Vietnamese": ["Hương", "Quốc", "Tuấn", "Thảo"],
    "Finnish": ["Päivi", "Jyrki"],
    "Greek": ["Konstantinos", "Eleftheria"],
}
LAST = {
    "Polish": ["Żeleński", "Wiśniewska", "Brzęczyszczykiewicz", "Kowalczyk"],
    "German": ["Müller", "Schröder", "Großmann"],
    "Turkish": ["Öztürk", "Yılmaz", "Kılıç"],
    "Chinese": ["Zhang", "Huang", "Qiu", "Xu"],
    "Hindi": ["Chaturvedi", "Venkataraman", "Iyer"],
    "Spanish": ["Núñez", "Echeverría", "Cárdenas"],
    "Arabic": ["Al-Qahtani", "Alzahrani", "Haddad"],
    "Nigerian": ["Okonkwo", "Adeyemi", "Nwosu", "Eze"],
    "Vietnamese": ["Nguyễn", "Trần", "Phạm"],
    "Finnish": ["Järvinen"],
    "Greek": ["Papadopoulos"],
}
NAMES = [
    f"{first} {last}"
    for lang in FIRST
    for first, last in itertools.islice(zip(FIRST[lang], itertools.cycle(LAST[lang])), 4)
]
AMOUNTS = ["one hundred twenty thousand dollars", "120k", "1.2m", "$540,000", "€ 75.000"]
CONTACTS = ["zofia.zelenska@zielona-dolina.pl", "+48 601 234 567", "https://zielona-dolina.pl/q"]
ACCOUNT = "Zielona Dolina Aquafarms"
INDUSTRY = "Aquaculture and fisheries"
DEAL_ID = "zielona_renewal"


def _call(names: list[str], first_rep: str = "Rita Seller") -> str:
    """A call whose seller lines carry the names (capitalised and lower case), amounts,
    contact details, the account, the deal id and the industry, each taken up by the buyer."""
    lines = []
    extras = itertools.cycle([*AMOUNTS, *CONTACTS, ACCOUNT.lower(), DEAL_ID, INDUSTRY.lower()])
    for a, b in itertools.zip_longest(names[::2], names[1::2], fillvalue=names[0]):
        lines.append(
            f"{first_rep}: Our platform worked for {a} and for {b.lower()} on the rollout, and "
            f"the plan covers {next(extras)} plus {next(extras)} for your whole team."
        )
        lines.append(f"{names[0]}: That could work for us, it makes sense.")
    return "\n".join(lines) + "\n"


def _deal(names: list[str], deal_id: str = DEAL_ID, owner: str = "rep-a") -> dict[str, Any]:
    contacts = [
        contact(f"c-{i}", n, role, email=f"{n.split()[0].lower()}@zielona-dolina.pl")
        for i, (n, role) in enumerate(
            zip(names, ["champion", "economic_buyer", "user"], strict=False)
        )
    ]
    return {
        "id": deal_id,
        "account": {"name": ACCOUNT, "industry": INDUSTRY},
        "owner": {"id": owner, "name": "Rita Seller"},
        "contacts": contacts,
        "notes": [
            {"date": AS_OF.isoformat(), "author": owner, "text": f"{n} asked about {AMOUNTS[0]}"}
            for n in names[:3]
        ],
        "activities": [activity("a1", 5, ["c-0", owner])],
    }


def _identifiers() -> set[str]:
    """Every planted token that must not travel: name parts (lower case too, unless the word is
    ordinary English, which no allow-list can tell from a name), amounts, contact details."""
    ordinary = ordinary_words()
    parts = {p for n in NAMES for p in re.split(r"[\s-]+", n) if len(p) > 2}
    found = {p for p in parts if p.lower() not in ordinary}
    found |= {"zielona", "dolina", "aquafarms", "aquaculture", "fisheries", "zielona_renewal"}
    found |= {"120,000", "120k", "1.2m", "540", "75.000", "601", "hundred", "twenty", "@"}
    return found


def _leaks(text: str) -> set[str]:
    low = text.lower()
    return {i for i in _identifiers() if re.search(rf"(?<!\w){re.escape(i.lower())}(?!\w)", low)}


def test_few_planted_names_are_ordinary_words() -> None:
    ordinary = ordinary_words()
    parts = {p.lower() for n in NAMES for p in re.split(r"[\s-]+", n)}
    assert len(parts & ordinary) <= 2, parts & ordinary  # the test checks nearly every name


def test_no_planted_identifier_survives_in_a_lesson() -> None:
    for batch in (NAMES[i : i + 8] for i in range(0, len(NAMES), 8)):
        ctx = make_context(deal=_deal(batch))
        analysis = analyze_deal(ctx, AS_OF)
        t = map_speakers(parse_transcript(_call(batch), source="call.txt"), ctx.deal)
        assist = LiveAssist(ctx, analysis, index_for(CoachContext()))
        r = build_debrief(ctx, analysis, t, AS_OF, None, "call", assist)
        assert r.lessons, "the call teaches something, or this test tests nothing"
        for lesson in r.lessons:
            assert not _leaks(lesson.text), (lesson.text, _leaks(lesson.text))
            assert "rollout" in lesson.text  # ordinary words stay: the lesson still reads


def test_nothing_planted_reaches_the_store_or_another_reps_debrief(tmp_path: Path) -> None:
    memory = tmp_path / "memory.sqlite"
    ctx = CoachContext(outbox=None, memory=memory)
    names = NAMES[:10]
    planted = make_context(deal=_deal(names))
    first = coach(_request(planted, _call(names)), ctx)
    assert isinstance(first.result, PostCallAnalysisResult) and first.result.lessons
    other = make_context(
        deal={
            **_deal(["Ann Champion"], "other-1", "rep-b"),
            "account": {"name": "Testco", "industry": "Manufacturing"},
        }
    )
    second = coach(_request(other, _call(["Ann Champion"])), ctx)
    assert isinstance(second.result, PostCallAnalysisResult)
    assert second.result.lessons_from_similar, "lessons travel, or this test tests nothing"
    for lesson in second.result.lessons_from_similar:
        assert not _leaks(lesson.model_dump_json()), lesson
    section = second.markdown.split("From earlier calls", 1)[1].split("##", 1)[0]
    assert not _leaks(section)
    rows = open_store(memory).search(("lessons",), limit=1000)
    assert rows and not _leaks(json.dumps([r.value | {"key": r.key} for r in rows]))


def test_lessons_stay_within_their_tenant(tmp_path: Path) -> None:
    memory = tmp_path / "memory.sqlite"
    names = ["Ann Champion"]
    a, b = (make_context(deal=_deal(names, f"t-{n}")) for n in (1, 2))
    ctx = CoachContext(outbox=None, memory=memory, principal=Principal.parse("t1/rep-a"))
    coach(_request(a, _call(names)), ctx)
    elsewhere = CoachContext(outbox=None, memory=memory, principal=Principal.parse("t2/rep-a"))
    other_tenant = coach(_request(b, _call(names)), elsewhere)
    same_tenant = coach(_request(b, _call(names)), ctx)
    assert isinstance(other_tenant.result, PostCallAnalysisResult)
    assert isinstance(same_tenant.result, PostCallAnalysisResult)
    assert other_tenant.result.lessons_from_similar == []
    assert same_tenant.result.lessons_from_similar


def test_ordinary_sales_talk_survives_the_scrub() -> None:
    """Precision: of the lower-case words sellers say in the sample calls (no names there are
    lower case), at least 9 in 10 stay."""
    from tests.conftest import SAMPLE

    words = kept = 0
    for path in sorted((SAMPLE / "deals").glob("*/transcripts/*.txt")):
        for u in parse_transcript(path.read_text(encoding="utf-8"), source=path.name).utterances:
            said = re.findall(r"(?<![\w'’])[a-z]{2,}(?![\w'’-])", u.text)
            scrubbed = re.sub(r"\[(?:name|n|amount|contact)\]", " ", scrub(u.text))
            left = re.findall(r"(?<![\w'’])[a-z]{2,}(?![\w'’-])", scrubbed)
            words, kept = words + len(said), kept + min(len(left), len(said))
    assert words > 500 and kept / words >= 0.9, kept / words


def _request(ctx: Any, transcript: str) -> CoachingRequest:
    return CoachingRequest(
        capability="post_call_analysis",
        deal=ctx,
        transcript=transcript,
        transcript_source="call.txt",
        meeting={"date": AS_OF},
    )
