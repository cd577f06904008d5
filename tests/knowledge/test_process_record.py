"""A deal without process standards of its own is read against the default stage model from the
index version's record of its stage models, so a process does not parse the whole corpus for it;
an index without that record (or on a Chroma server) reads the parsed corpus, as before."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from agent.analysis import stage
from agent.analysis.stage import default_process
from agent.settings import CoachContext
from knowledge.corpus import KNOWLEDGE_ROOT, corpus
from knowledge.ingest import ingest
from knowledge.process_record import PROCESSES, stage_models
from knowledge.store import write_record

SHIPPED = (KNOWLEDGE_ROOT,)


def _index(tmp_path: Path, record: bool) -> Path:
    """An index folder whose current version holds the shipped stage models' record, or none."""
    index = tmp_path / "index"
    version = index / "v1"
    version.mkdir(parents=True)
    (version / "manifest.json").write_text("{}")  # what makes a version folder an index's
    (index / "CURRENT").write_text("v1")
    if record:
        write_record(version, PROCESSES, stage_models(corpus(SHIPPED).docs.values()))
    return index


def _refuse_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the corpus was parsed")

    monkeypatch.setattr(stage, "corpus", refuse)


def test_the_recorded_stage_model_is_the_corpus_one_and_no_corpus_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = replace(CoachContext(), index_dir=_index(tmp_path, record=True))
    parsed = default_process(replace(run, index_dir=tmp_path / "none"))
    assert parsed is not None and parsed.doc_id == run.default_process
    _refuse_corpus(monkeypatch)
    recorded = default_process(run)
    assert recorded == parsed
    assert default_process(run) is recorded  # one object per version: kept analyses match
    with pytest.raises(AssertionError, match="corpus"):  # not recorded: added since the ingest?
        default_process(replace(run, default_process="proc-added-since"))


def test_without_a_record_or_on_a_server_the_corpus_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = replace(CoachContext(), index_dir=_index(tmp_path, record=False))
    assert default_process(run) is not None
    (run.index_dir / "v1" / PROCESSES).write_text(json.dumps({"format": 99, "standards": {}}))
    assert default_process(run) is not None
    _refuse_corpus(monkeypatch)
    with pytest.raises(AssertionError, match="corpus"):
        default_process(replace(run, index_dir=tmp_path / "none"))
    served = replace(CoachContext(), index_dir=_index(tmp_path / "s", record=True))
    with pytest.raises(AssertionError, match="corpus"):
        default_process(replace(served, chroma_url="http://127.0.0.1:8000"))


def test_an_unchanged_ingest_records_the_stage_models_an_older_index_lacks(
    small_kb: Path, tmp_path: Path
) -> None:
    shutil.copy(KNOWLEDGE_ROOT / "process" / "proc-default-b2b.md", small_kb)
    root = tmp_path / "index"
    first = ingest((small_kb,), root)
    kept = root / first.version / PROCESSES
    written = json.loads(kept.read_text())
    docs = corpus((small_kb,)).docs
    assert written["standards"] == {
        i: d.meta["standard"] for i, d in docs.items() if "standard" in d.meta
    }
    assert list(written["standards"]) == ["proc-default-b2b"]
    kept.unlink()  # as an index from before the record
    again = ingest((small_kb,), root)
    assert again.unchanged and json.loads(kept.read_text()) == written


def test_process_adherence_judges_a_deal_against_the_recorded_model_without_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Process adherence and performance coaching find the default process where the analysis
    does: the record, one object per version (a rep's hundreds of deals are not each checked
    against a model validated anew, nor is the corpus parsed). A stage outside it is one clear
    message that says how to give the deal its own process."""
    from agent.capabilities.process_adherence.process import process_for
    from agent.errors import InvalidInput
    from tests.conftest import SAMPLE, SAMPLE_DEALS
    from tools.sources import WorkspaceSource

    run = replace(CoachContext(), index_dir=_index(tmp_path, record=True))
    source = WorkspaceSource(SAMPLE)
    ctx = source.load_context(SAMPLE_DEALS[0])
    ctx = ctx.model_copy(update={"process": None})
    _refuse_corpus(monkeypatch)
    first, again, view = process_for(ctx, run), process_for(ctx, run), default_process(run)
    assert first.source == "knowledge_default" and first.doc_id == run.default_process
    assert view is not None and first.standard is again.standard is view.standard
    elsewhere = ctx.model_copy(update={"deal": ctx.deal.model_copy(update={"stage": "Engaging"})})
    with pytest.raises(InvalidInput) as err:
        process_for(elsewhere, run)
    assert "'Engaging'" in str(err.value) and "org/process.yaml" in str(err.value)
