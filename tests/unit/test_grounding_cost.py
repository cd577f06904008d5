"""The grounding check's shortcuts give the same answers as the long way: ids are found only
where they can be, grounds are read side by side instead of merged, and what is kept between
requests (per content, per set of cited documents) is never served for other content."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

from agent.analysis import analyze_deal
from agent.analysis.missing import missing_inputs
from agent.capabilities.next_best_action.build import recommend
from agent.contracts.facts import Fact
from agent.grounding.checker import checker_for_draft
from agent.grounding.grounds import Grounds, Layers, grounds_of
from agent.grounding.kept_grounds import cited_grounds
from agent.grounding.text_scan import _CAPITAL, _IDENT, _NUMBER, _PERCENT, DATE, _without_ids
from knowledge.documents import Document, Section
from knowledge.plays import load_plays, plays_by_id
from tests.factories import AS_OF, make_context

ALPHABET = "aZq9-_ 1.\n-é٣x²Q7#:,%"


def test_ids_are_removed_exactly_as_the_id_pattern_removes_them() -> None:
    rng = random.Random(18)
    texts = ["", "12", "ISO-27001 and AS9100 by Q3, v2-beta, 2026-11-20", "a-b-1- x1 -9z"]
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24))) for _ in range(4000)]
    for text in texts:
        assert _without_ids(text) == _IDENT.sub(" ", text), repr(text)


def test_layers_hold_exactly_the_union() -> None:
    one = Grounds(frozenset({"acme"}), frozenset({1.0}), frozenset({"2026-01-02"}))
    two = Grounds(frozenset({"zeta"}), frozenset({2.0}), frozenset(), frozenset({37.0}))
    both, merged = Layers(one, two), one | two
    for word in ("acme", "zeta", "other"):
        assert (word in both.vocabulary) == (word in merged.vocabulary)
    for n in (1.0, 2.0, 3.0, 37.0):
        assert (n in both.numbers) == (n in merged.numbers)
        assert (n in both.percents) == (n in merged.percents)
    assert "2026-01-02" in both.dates and "2026-01-03" not in both.dates


def test_grounds_kept_per_content_follow_the_content() -> None:
    first = grounds_of(["Call Wilhelmina about 4,200 seats"])
    again = grounds_of(["Call Wilhelmina about 4,200 seats"])
    changed = grounds_of(["Call Wilhelmina about 4,300 seats"])
    assert again == first and 4200 in first.numbers
    assert 4300 in changed.numbers and 4200 not in changed.numbers


def _doc(title: str) -> Document:
    meta = {"id": "play-x", "title": title}
    return Document(meta=meta, path=Path("play-x"), sections=(Section("a", "H", "t"),))


def test_cited_grounds_are_not_reused_for_a_reloaded_document() -> None:
    old = _doc("Quellmarsh rollout")
    assert "quellmarsh" in cited_grounds([old]).vocabulary
    new = replace(old, meta={"id": "play-x", "title": "Vantorri rollout"})  # a new index version
    grounds = cited_grounds([new])
    assert "vantorri" in grounds.vocabulary and "quellmarsh" not in grounds.vocabulary


def test_knowledge_grounds_a_name_only_while_it_is_cited() -> None:
    ctx = make_context()
    analysis = analyze_deal(ctx, AS_OF)
    result = recommend(ctx, analysis, load_plays())
    doc = _doc("Quellmarsh rollout")
    checker = checker_for_draft(
        ctx, analysis, missing_inputs(ctx), result, {**plays_by_id(), "play-x": doc}
    )
    citing = result.model_copy(update={"strategy_citations": ["kb:play-x#a"]})
    report, _ = checker.check(citing, "Ask about the Quellmarsh rollout.")
    assert report.passed, report.findings
    report, _ = checker.check(result, "Ask about the Quellmarsh rollout.")
    assert [f.detail for f in report.findings] == [
        "'Quellmarsh' does not appear in the input or knowledge"
    ]


def test_digit_first_patterns_match_what_the_plain_forms_match() -> None:
    plain = {
        DATE: r"\b\d{4}-\d{2}-\d{2}\b",
        _NUMBER: r"(?<![\w.])\d[\d,]*(?:\.\d+)?",
        _PERCENT: r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s?(?:%|percent\b|per cent\b|points?\b)",
        _CAPITAL: r"(?<![\w'’-])[A-Z][a-zA-Z'’&-]+",
    }
    pieces = ["1", "22", "2026-11-20", "x2026-01-01", "Ab", "Z", ".", ",", "-", "'", "’", "%"]
    pieces += [" percent", " points", "\n", " ", "_", "é", "٣", "a"]
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for fast, slow in plain.items():
        for text in texts:
            found = [(m.span(), m.groups()) for m in fast.finditer(text)]
            assert found == [(m.span(), m.groups()) for m in re.finditer(slow, text)], text


def test_a_kept_scan_flags_what_a_fresh_checker_flags() -> None:
    """The text's scan is kept per content; the grounds it is looked up in are the checker's
    own, so the same text is judged afresh against other grounds."""
    ctx = make_context()
    analysis = analyze_deal(ctx, AS_OF)
    result = recommend(ctx, analysis, load_plays())
    checker = checker_for_draft(ctx, analysis, missing_inputs(ctx), result, plays_by_id())
    text = "Ask Zorvane about the 7,313 seats and 41% by 2031-02-17."
    first, _ = checker.check(result, text)
    again, _ = checker.check(result, text)
    bare, _ = checker.check(result, "")
    assert first == again
    assert first.checked_numbers - bare.checked_numbers == 3
    assert first.checked_entities - bare.checked_entities == 1
    assert {f.detail for f in first.findings if f.where == "markdown"} == {
        "'Zorvane' does not appear in the input or knowledge",
        "date 2031-02-17 is not in the input",
        "number 7,313 is not in the input, analysis or knowledge",
        "number 41% is not in the input, analysis or knowledge",
    }
    named = make_context(deal={"name": "Zorvane 7313 rollout, 41% on 2031-02-17"})
    other = checker_for_draft(named, analysis, missing_inputs(named), result, plays_by_id())
    report, _ = other.check(result, text)
    assert not [f for f in report.findings if f.where == "markdown"], report.findings


def test_the_reading_s_grounds_follow_the_reading() -> None:
    """The reading's grounds are kept per reading object: a deal read again (a changed file
    gives a new reading) is grounded by its own facts, not the old ones."""
    ctx = make_context()
    analysis = analyze_deal(ctx, AS_OF)
    result = recommend(ctx, analysis, load_plays())
    text = "Ask about Quorrin."
    checker = checker_for_draft(ctx, analysis, missing_inputs(ctx), result, plays_by_id())
    assert [f.where for f in checker.check(result, text)[0].findings] == ["markdown"]
    fact = {"kind": "person", "ref": "deal.notes[0]", "quote": "Quorrin", "person": "Quorrin"}
    reading = analysis.reading.model_copy(
        update={"facts": [*analysis.reading.facts, Fact.model_validate(fact)]}
    )
    read = analysis.model_copy(update={"reading": reading})
    checker = checker_for_draft(ctx, read, missing_inputs(ctx), result, plays_by_id())
    assert not checker.check(result, text)[0].findings


def test_a_text_scanned_line_by_line_yields_what_it_yields_whole() -> None:
    """Each line's scan is kept and the lines' scans are put together: the same capitalised
    words, dates and numbers as one scan of the whole text, including where a line break is
    the space after a list marker ('3.') or the gap before a percent sign."""
    from agent.grounding.text_scan import _scan_whole, scan

    rng = random.Random(16)
    pieces = ["\n", "\n\n", " ", "\t", "1.", "12. ", "3", "3.5", "%", " percent", "per cent"]
    pieces += ["points", "Acme", "x", "kb:play-a#b", "deal.activities[3]", "2026-11-20", "Q3"]
    pieces += ["v2-beta", "[2]", ".", ",", "-", "# ", "(", "Ünï", "’s", "D-1003", "4,821", " 7."]
    texts = ["Paid 37\n% more", "Steps:\n3.\nCall Ada", "Ada\n  12. Bo 5\npoints"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in texts:
        assert scan(text) == _scan_whole(text), repr(text)
    assert scan("Paid 37\n% more").numbers == (("37%", 37.0, True),)
    assert scan("Steps:\n3.\nCall Ada").numbers == ()


def test_grounds_read_line_by_line_are_the_grounds_of_the_whole_text() -> None:
    """A text's grounds, put together from its lines' (each kept per content), are the ones
    read from the whole text, a number before a line that opens with a percent included."""
    from agent.grounding.grounds import _grounds_of_content, _number_forms, _percent_forms
    from agent.grounding.text_scan import DATE, numbers_in_text, percents_in_text, words

    rng = random.Random(17)
    pieces = ["\n", " ", "1.", "3", "3.5", "%", " percent", "per cent", "points", "Acme", "x"]
    pieces += ["2026-11-20", "Q3", "’s", "D-1003", "4,821", "-", "&", "0.37", "\n%", "\npoints"]
    texts = ["Paid 37\n% more", "37\npoints", "x"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in texts:
        written = numbers_in_text(text)
        whole = Grounds(
            frozenset(words(text)),
            frozenset(_number_forms([1.5, *written])),
            frozenset(DATE.findall(text)),
            frozenset(_percent_forms([1.5, *written]) | _number_forms(percents_in_text(text))),
        )
        assert _grounds_of_content(text, (1.5,), ()) == whole, repr(text)
    assert 37.0 in _grounds_of_content("Paid 37\n% more", (), ()).percents


def test_the_walks_take_every_kind_of_value_as_the_general_test_does() -> None:
    """Exact types are tested first; a subclass, a tuple, a set, a date still count as before,
    and a percent field is found whatever its dict's other keys are."""
    import datetime as dt
    from enum import IntEnum

    from agent.grounding.draft_values import _shape
    from agent.grounding.grounds import leaves

    class Level(IntEnum):
        HIGH = 3

    class Name(str):
        pass

    value = [
        {"roi_percent": 289, "a": "x", 7: "y"},
        {"b_pct": 5.5, "flag": True},
        (Name("Ada"), Level.HIGH, None, False),
        {dt.date(2026, 1, 2)},
    ]
    percents: list[float] = []
    texts, numbers = leaves(value, percents)
    assert sorted(texts) == ["2026-01-02", "Ada", "a", "b_pct", "flag", "roi_percent", "x", "y"]
    assert sorted(numbers) == [3.0, 5.5, 7.0, 289.0] and sorted(percents) == [5.5, 289.0]
    day = dt.date(2026, 3, 4)
    assert _shape({"a": [1, (day, [])], "b": {"c": [day]}}) == ([2, 2, 0, 1], [day, day], 2)
