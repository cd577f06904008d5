"""Bad input is one message naming what, where and how to fix it, never a traceback, and no
read is unbounded (agent/intake.py and the contracts that use it)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from agent.contracts import CoachingRequest, DealContext
from agent.errors import ECHO, MESSAGE, InvalidInput, clip, describe_validation_error
from agent.intake import LIMITS, Limits, parse_document, read_bytes, read_stream, tree_problem
from agent.settings import SAMPLE_WORKSPACE
from tools.sources import WorkspaceSource


def test_a_read_stops_one_byte_past_its_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 101)
    with pytest.raises(InvalidInput, match=r"big.yaml: the deal is larger than 100 bytes"):
        read_bytes(big, 100, "deal")
    assert read_bytes(big, 101, "deal") == b"a" * 101
    endless = io.BytesIO(b"x" * 10_000)
    with pytest.raises(InvalidInput, match="stdin: the request is larger"):
        read_stream(endless, 50, "request", "stdin")
    assert endless.tell() == 51  # read the limit and one byte, never the rest


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_devices_and_folders_are_refused_before_reading(tmp_path: Path) -> None:
    for path in (Path("/dev/zero"), tmp_path):
        with pytest.raises(InvalidInput, match="not a regular file") as err:
            read_bytes(path, LIMITS.transcript, "transcript")
        assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("created: 2026-02-30\n", r"doc.yaml:1: '2026-02-30' is not a valid date"),
        ("a: 1\ncreated: 2026-13-01\n", r"doc.yaml:2: '2026-13-01' is not a valid date"),
        ("amount: .inf\n", r"amount: inf is not a finite number"),
        ("amount: .nan\n", r"amount: nan is not a finite number"),
        ('{"m": "\\ud800"}', r"doc.yaml:1: found invalid Unicode"),
        ("x: " + "[" * 40 + "]" * 40, r"nested deeper than 32 levels"),
        ("x: " + "[" * 5000 + "]" * 5000, r"doc.yaml.*nest"),
    ],
)
def test_documents_that_parse_but_cannot_be_data_get_one_message(text: str, expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected):
        parse_document(text, "doc.yaml")


def test_json_with_an_escaped_lone_surrogate_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"doc.json: m\[0\]: text with an invalid character"):
        parse_document('{"m": ["a \\ud800 b"]}', "doc.json", json_only=True)


def test_yaml_aliases_cannot_expand_past_the_value_limit() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    with pytest.raises(InvalidInput, match=f"more than {LIMITS.nodes} values"):
        parse_document(bomb, "bomb.yaml")


def test_messages_never_echo_a_long_input() -> None:
    huge = "x" * 1_000_000
    assert len(clip(huge)) < ECHO + 40
    with pytest.raises(ValidationError) as err:
        CoachingRequest.model_validate({"deal_id": huge})
    assert len(describe_validation_error(err.value.errors())) < 3 * ECHO
    assert len(str(InvalidInput(huge, where=huge, fix=huge))) <= MESSAGE + 40


def test_contracts_refuse_what_no_output_can_carry() -> None:
    base = WorkspaceSource(SAMPLE_WORKSPACE).load_context("D-1003").model_dump(mode="json")
    for path, value, problem in [
        (("deal", "amount"), float("inf"), "finite"),
        (("deal", "name"), "Tessaro \ud800", "invalid character"),
        (("deal", "id"), "D" * (LIMITS.id_length + 1), "at most"),
        (("deal", "id"), "é" * (LIMITS.id_length // 2 + 1), "bytes"),
    ]:
        payload = json.loads(json.dumps(base))
        payload[path[0]][path[1]] = value
        with pytest.raises(ValidationError, match=problem):
            DealContext.model_validate(payload)
    assert tree_problem(base) is None
    too_long = {"deal_id": "D-1", "message": "m" * (LIMITS.message + 1)}
    with pytest.raises(ValidationError, match="at most"):
        CoachingRequest.model_validate(too_long)


def test_a_workspace_deal_with_an_impossible_date_names_the_file_and_line(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, root)
    deal = root / "deals" / "D-1003" / "deal.yaml"
    lines = deal.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("created:"))
    lines[at] = "created: 2026-02-30"
    deal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        WorkspaceSource(root).get_deal("D-1003")
    assert f"deal.yaml:{at + 1}: '2026-02-30' is not a valid date" in str(err.value)


def test_a_transcript_over_the_turn_limit_names_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.reading import transcript_turns, transcripts

    monkeypatch.setattr(transcript_turns, "LIMITS", Limits(utterances=3))
    text = "\n".join(f"{'AB'[i % 2]}: line {i}" for i in range(5))
    assert len(transcripts.parse_transcript(text[: text.index("\nB: line 3")]).utterances) == 3
    with pytest.raises(InvalidInput, match=r"call.txt, line 4: more than 3 turns"):
        transcripts.parse_transcript(text, "call.txt")


def test_response_lists_and_markdown_are_cut_and_say_so() -> None:
    from pydantic import BaseModel

    from agent.respond.envelope import _capped_markdown, capped

    class Inner(BaseModel):
        xs: list[int]

    class Outer(BaseModel):
        items: list[Inner]
        one: Inner

    big = Outer(items=[Inner(xs=list(range(9)))] * 5, one=Inner(xs=[1, 2]))
    cut: list[str] = []
    small = capped(big, 3, "result", cut)
    assert [len(i.xs) for i in small.items] == [3, 3, 3] and small.one.xs == [1, 2]
    assert cut[0] == "result.items keeps 3 of 5" and "result.items[0].xs keeps 3 of 9" in cut
    assert capped(small, 3, "result", []) is small  # nothing over the limit: unchanged
    text = _capped_markdown("line\n" * 100, 50, cut)
    assert len(text) < 120 and "cut here" in text and cut[-1].startswith("markdown keeps 50")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_calibrate_refuses_a_device_as_its_history() -> None:
    from agent.analysis.history import HistoryMapping, load_history, load_mapping

    with pytest.raises(InvalidInput, match="/dev/zero: not a regular file"):
        load_history(Path("/dev/zero"), HistoryMapping.model_construct())
    with pytest.raises(InvalidInput, match="/dev/zero: not a regular file"):
        load_mapping(Path("/dev/zero"))


def test_a_problem_deep_in_a_tree_names_its_path() -> None:
    """The path is spelt out only for a problem, from the links the walk keeps: the same words
    as a path built at every step (a key after the first clipped)."""
    long_key = "k" * 100
    data = {"deals": [{"name": "a"}, {long_key: [1, {"amount": float("nan")}]}]}
    problem = tree_problem(data)
    assert problem is not None and problem.startswith("deals[1].kkkk") and "[1].amount" in problem
    assert long_key not in problem and "not a finite number" in problem
    assert tree_problem([[["x"]]], Limits(depth=2)) == "[0][0][0]: nested deeper than 2 levels"
    assert tree_problem({"a": {"\udc00": 1}}) == "a: a key with an invalid character"


def test_only_the_deal_caches_own_marker_skips_the_limits_walk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A context the deal cache wrote is validated again but not walked for the limits (its key
    holds them: agent/contracts/base.py WITHIN_LIMITS); any other validation, even with an
    equal context of its own, is walked as before."""
    import agent.contracts.base as base
    from tools.deal_cache import DealCache

    source = WorkspaceSource(SAMPLE_WORKSPACE)
    payload = source.load_context("D-1003").model_dump(mode="json")
    walks: list[object] = []
    monkeypatch.setattr(base, "tree_problem", lambda data, *a: walks.append(data))
    DealContext.model_validate(payload, context=base.WITHIN_LIMITS)
    assert walks == []
    for context in (None, dict(base.WITHIN_LIMITS)):
        DealContext.model_validate(payload, context=context)
        assert walks, context
        walks.clear()
    cache = DealCache(SAMPLE_WORKSPACE)
    cache.enable(tmp_path, None)
    files = source._files("D-1003")
    built = cache.context("D-1003", files, lambda: DealContext.model_validate(payload))
    walks.clear()
    again = cache.context("D-1003", files, lambda: pytest.fail("kept, not built again"))
    assert walks == [] and again == built


def test_a_message_part_that_asks_ends_with_its_question_mark_alone() -> None:
    """Each part of a message ends once: "which one?" is not written "which one?."."""
    said = str(InvalidInput("it is about a rep: which one?", where="chat", fix="Name one."))
    assert said == "chat: it is about a rep: which one? Name one."
