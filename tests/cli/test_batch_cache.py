"""The deal cache of `coach batch` (tools/deal_cache.py): a later run reads an unchanged deal's
loaded and read form back from disk, and any change to what it was built from is a miss."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent import kept_bundle
from agent.analysis import kept as kept_module
from agent.analysis.kept import kept_analysis
from agent.analysis.stage import ProcessInView
from agent.contracts import CoachingResponse
from agent.contracts.facts import Reading
from agent.contracts.principal import Principal
from agent.errors import DealNotFound
from agent.interfaces.cli.app import app
from agent.reading import read as reading_module
from agent.reading.read import read_deal
from tests.conftest import SAMPLE_DEALS
from tools.deal_cache import generation
from tools.sources import WorkspaceSource

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state folder of the test's own, so the cache starts empty."""
    folder = tmp_path / "home"
    monkeypatch.setenv("COACH_HOME", str(folder))
    return folder


def _stable(line: str) -> object:
    data = json.loads(line)
    data.pop("composition", None)  # latency differs between runs
    for event in data.get("events", []):  # event ids and times differ
        event.pop("id", None)
        event.pop("created", None)
    return data


def _batch(workspace: Path, deals: list[str], out: Path) -> list[object]:
    args = ["batch", "next-action", "--workspace", str(workspace), "--deals", ",".join(deals)]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return [_stable(line) for line in out.read_text().splitlines()]


def _single(workspace: Path, deal: str) -> object:
    result = runner.invoke(
        app, ["next-action", deal, "--workspace", str(workspace), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return _stable(CoachingResponse.model_validate_json(result.stdout).model_dump_json())


def _enabled(workspace: Path, state: Path) -> WorkspaceSource:
    source = WorkspaceSource(workspace)
    source.deal_cache.enable(state, "v1")
    return source


def test_a_warm_run_answers_as_a_cold_one_and_an_edit_is_a_new_answer(
    sample_copy: Path, home: Path, tmp_path: Path
) -> None:
    deals = SAMPLE_DEALS[:2]
    out = tmp_path / "b.jsonl"
    cold = _batch(sample_copy, deals, out)
    # one file a deal version, its entries <fingerprint>[.<kept>.<key>]*.<kept>.<key>: what
    # is kept from what was kept
    files = list(home.glob("deal-cache/*/*/*.kept"))
    assert len(files) == len(deals)
    kept = [name.split(".")[-2] for f in files for name in kept_bundle.read(f)]
    kinds = ("context", "reading", "suspects", "input_grounds", "reading_grounds", "analysis")
    kinds += ("free_texts",)
    for what in (*kinds, "kept_grounds"):
        assert kept.count(what) == len(deals), kept
    assert _batch(sample_copy, deals, out) == cold  # read back from the cache
    deal_file = sample_copy / "deals" / deals[0] / "deal.yaml"
    text = deal_file.read_text()
    deal_file.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1 (renewal)", text, count=1))
    edited = _batch(sample_copy, deals, out)
    assert edited[0] != cold[0] and "(renewal)" in json.dumps(edited[0])
    assert edited[1] == cold[1]
    assert edited[0] == _single(sample_copy, deals[0])  # the per-deal command uses no cache


def test_a_kept_reading_is_read_back_not_computed(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal, as_of = SAMPLE_DEALS[0], dt.date(2026, 11, 20)
    first = _enabled(sample_copy, tmp_path).load_context(deal)
    reading = read_deal(first, as_of)
    later = _enabled(sample_copy, tmp_path).load_context(deal)  # another process, in effect
    assert later is not first and later == first

    def refuse(*_: object) -> None:
        raise AssertionError("the deal was read again")

    monkeypatch.setattr(reading_module, "_read_deal", refuse)
    assert read_deal(later, as_of) == reading
    with pytest.raises(AssertionError):  # another date is another reading
        read_deal(later, as_of + dt.timedelta(days=1))


def test_a_kept_analysis_is_read_back_with_the_request_s_reading(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal, as_of = SAMPLE_DEALS[0], dt.date(2026, 11, 20)
    first = _enabled(sample_copy, tmp_path).load_context(deal)
    assert first.process is not None  # the sample's org/process.yaml, here read as a default
    standard = first.process
    process = ProcessInView(standard, "proc-test")
    computed = kept_analysis(first, as_of, read_deal(first, as_of), process)
    later = _enabled(sample_copy, tmp_path).load_context(deal)  # another process, in effect
    reading = read_deal(later, as_of)

    def refuse(*_: object) -> None:
        raise AssertionError("the deal was analysed again")

    monkeypatch.setattr(kept_module, "analyze_deal", refuse)
    again = kept_analysis(later, as_of, reading, ProcessInView(standard, "proc-test"))
    assert again == computed
    assert again.reading is reading  # what is kept per reading is found again
    assert computed.reading.facts  # kept without it: the request holds its reading already
    (kept,) = [
        json.loads(data)
        for path in tmp_path.glob("deal-cache/*/*/*.kept")
        for name, data in kept_bundle.read(path).items()
        if name.rsplit(".", 2)[-2] == "analysis"
    ]
    assert kept["reading"] == Reading().model_dump(mode="json")
    with pytest.raises(AssertionError):  # another date is another analysis
        kept_analysis(later, as_of + dt.timedelta(days=1), reading, process)
    edited = standard.model_copy(update={"version": f"{standard.version}-edited"})
    with pytest.raises(AssertionError):  # so is another stage model under the same id
        kept_analysis(later, as_of, reading, ProcessInView(edited, "proc-test"))


@pytest.mark.parametrize(
    "edit",
    ["deals/{deal}/risk.yaml", "org/process.yaml", "add deals/{deal}/value.yaml", "limits"],
)
def test_what_a_context_is_built_from_is_in_its_fingerprint(
    sample_copy: Path, tmp_path: Path, edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _enabled(sample_copy, tmp_path)
    deal = next(
        d
        for d in SAMPLE_DEALS
        if (sample_copy / "deals" / d / "risk.yaml").is_file()
        and not (sample_copy / "deals" / d / "value.yaml").is_file()
        and not (sample_copy / "deals" / d / "process.yaml").is_file()
    )
    before = source.deal_cache.fingerprint(deal, source._files(deal))
    if edit == "limits":
        from agent.intake import LIMITS

        monkeypatch.setattr(LIMITS, "deal_file", LIMITS.deal_file + 1)
    elif edit.startswith("add "):
        (sample_copy / edit[4:].format(deal=deal)).write_text("summary: a value case\n")
    else:
        path = sample_copy / edit.format(deal=deal)
        path.write_text(path.read_text() + "\n# edited\n")
    assert source.deal_cache.fingerprint(deal, source._files(deal)) != before


def test_generation_follows_the_knowledge_and_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = generation("v1")
    assert generation("v1") == first
    assert generation("v2") != first
    monkeypatch.setenv("COACH_PRINCIPAL", "acme/rep-someone")  # who asks: access, not reading
    assert generation("v1") == first
    monkeypatch.setenv("COACH_INJECTION_LEARNED", "1")
    assert generation("v1") != first


def test_a_damaged_entry_is_a_miss_and_access_comes_before_the_cache(
    sample_copy: Path, tmp_path: Path
) -> None:
    deal = SAMPLE_DEALS[0]
    fresh = WorkspaceSource(sample_copy).load_context(deal)
    _enabled(sample_copy, tmp_path).load_context(deal)
    (kept,) = tmp_path.glob("deal-cache/*/*/*.kept")
    kept.write_bytes(kept.read_bytes()[:100])  # half a file
    assert _enabled(sample_copy, tmp_path).load_context(deal) == fresh
    owner = fresh.deal.owner.id
    other = next(
        d for d in SAMPLE_DEALS if WorkspaceSource(sample_copy).get_deal(d).owner.id != owner
    )
    _enabled(sample_copy, tmp_path).load_context(other)  # kept
    scoped = _enabled(sample_copy, tmp_path).scoped(Principal(id=owner))
    with pytest.raises(DealNotFound):
        scoped.load_context(other)


def test_a_version_unused_for_long_is_removed_and_a_used_one_stays(
    sample_copy: Path, tmp_path: Path
) -> None:
    import os

    from tools.deal_cache import KEEP_DAYS

    used, unused = SAMPLE_DEALS[:2]
    source = _enabled(sample_copy, tmp_path)
    for deal in (used, unused):
        source.load_context(deal)
    long_ago = dt.datetime.now().timestamp() - (KEEP_DAYS + 1) * 86400
    for path in tmp_path.glob("deal-cache/*/*/*.kept"):
        os.utime(path, (long_ago, long_ago))
    _enabled(sample_copy, tmp_path).load_context(used)  # read back: marked used
    later = _enabled(sample_copy, tmp_path)  # a run starts: expiry
    left = {p.name.split(".")[0] for p in tmp_path.glob("deal-cache/*/*/*")}
    assert len(left) == 1
    (kept,) = left
    assert kept == later.deal_cache.fingerprint(used, later._files(used))


def test_org_sections_are_validated_once_shared_and_not_kept_with_each_deal(
    sample_copy: Path, tmp_path: Path
) -> None:
    """org/process and org/analytics are the same for every deal without its own: one object
    in every context of a run, kept with no deal (its file is still in the fingerprint), given
    back when a deal is read from the cache; a deal's own section stays its own."""
    first, second, own = SAMPLE_DEALS[:3]
    org_process = (sample_copy / "org" / "process.yaml").read_text()
    (sample_copy / "deals" / own / "process.yaml").write_text(
        re.sub(r"(?m)^version: .*$", "version: the deal's own", org_process, count=1)
    )
    fresh = {d: WorkspaceSource(sample_copy).load_context(d) for d in (first, second)}
    source = _enabled(sample_copy, tmp_path)
    a, b = (source.load_context(d) for d in (first, second))
    assert a.analytics is not None and a.analytics is b.analytics
    for deal in (first, second):
        (kept,) = [
            data
            for path in tmp_path.glob("deal-cache/*/*/*.kept")
            for name, data in kept_bundle.read(path).items()
            if name.endswith(".context." + name.rsplit(".", 1)[-1])
            and json.loads(data)["deal"]["id"] == deal
        ]
        assert json.loads(kept)["analytics"] is None
    later = _enabled(sample_copy, tmp_path)  # another process, in effect: read back
    again = [later.load_context(d) for d in (first, second)]
    assert again == [fresh[first], fresh[second]]
    assert again[0].analytics is again[1].analytics
    assert again[0].process is not None and again[0].process is again[1].process
    mine = later.load_context(own)
    assert mine.process is not None and mine.process.version == "the deal's own"
    assert mine.analytics is again[0].analytics
    assert _enabled(sample_copy, tmp_path).load_context(own) == mine
