"""`coach --help`, completion and `coach deals` start without the graph, the model layer or the
vector store, and `coach next-action` without the other capabilities, the model layer or (for
queries ranked before) BM25: what they import is checked in a fresh interpreter, and the
capability outlines the commands are made from are checked against the registry they stand in
for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.capabilities.outline import outlines
from agent.capabilities.registry import registry

ROOT = Path(__file__).resolve().parents[2]
# and the deal analysis with its reading rules: `coach deals` reads a stage's closure alone
HEAVY = ("langchain", "langgraph", "langsmith", "chromadb", "onnxruntime", "agent.analysis.analyze")

SCRIPT = """
import json, sys
from typer.testing import CliRunner
from agent.interfaces.cli.app import app
runner = CliRunner()
seen = {}
for args in (["--help"], ["deals"], ["next-action", "--help"]):
    result = runner.invoke(app, args)
    heavy = sorted({m for m in sys.modules if m.startswith(tuple(sys.argv[1:]))})
    seen[" ".join(args)] = {"exit": result.exit_code, "heavy": heavy, "out": result.output}
print(json.dumps(seen))
"""


def _python(script: str, args: tuple[str, ...], env: dict[str, str]) -> str:
    """A fresh interpreter runs `script`; its last line of output."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_help_and_deals_import_no_graph_model_or_vector_store(tmp_path: Path) -> None:
    seen = json.loads(_python(SCRIPT, HEAVY, {**_env(), "COACH_HOME": str(tmp_path)}))
    for args, run in seen.items():
        assert run["exit"] == 0, (args, run["out"][-500:])
        assert run["heavy"] == [], f"`coach {args}` imported {run['heavy']}"
    assert "D-1003" in seen["deals"]["out"]
    for spec in registry().values():  # every command is listed, with its help text
        if spec.command is not None and spec.draft is not None:
            assert spec.command in seen["--help"]["out"], spec.name
            assert spec.summary.split(",")[0][:30] in " ".join(seen["--help"]["out"].split())


# A one-deal answer needs its own capability, the graph and the knowledge it cites: not the
# other capabilities' builders, the model layer, the vector store or, for a query ranked before
# on this index version, BM25 (knowledge/lexical_cache.py).
LAZY = (
    "agent.compose.enrich",
    "agent.model.prompts",  # and with it langchain's prompt templates: a model's only
    "langchain_core.prompts",
    "agent.analysis.conversation",  # a call's metrics: post-call and a rep's calls
    "agent.reading.utterances",
    "agent.capabilities.post_call_analysis.build",
    "agent.capabilities.methodology_coaching.build",
    "agent.capabilities.deal_strategy.build",
    "langchain_openai",
    "openai",
    "chromadb",
    "onnxruntime",
    "tokenizers",
    "bm25s",
    "scipy",
    # packages the path imports one part of, whose __init__ waits for a name to be asked of it
    # (agent/interfaces/cli/startup.py): langsmith's generated API models, the LangGraph
    # SDK's client, numpy through sqlite_vec
    "langsmith.types.dataset",
    "langgraph_sdk.client",
    "httpx._client",
    "websockets",
    "numpy",  # and a lexical search's index needs none either (knowledge/store.py)
)
INGEST = """
import sys
from knowledge.embeddings import MODEL_PACKAGE
sys.modules[MODEL_PACKAGE] = None  # lexical only: the sections BM25 reads, in a second
from knowledge.ingest import ingest
ingest(root=__import__("pathlib").Path(sys.argv[1]))
"""
ANSWER = """
import gc, json, sys
from typer.testing import CliRunner
from agent.interfaces.cli.app import app
result = CliRunner().invoke(app, ["next-action", "D-1003", "--format", "json"])
loaded = sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[1:])))
gc_after = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
from knowledge.corpus import corpus
graphs = sorted(n for n in ("graph", "rep_graph") if n in vars(sys.modules["agent.graph"]))
from knowledge.corpus import ObjectionFrontMatter
from knowledge.plays import PlayFrontMatter
built = {m.__name__: m.__pydantic_complete__ for m in (ObjectionFrontMatter, PlayFrontMatter)}
from agent.interfaces.cli.regex_cache import _KEPT
from pydantic import BaseModel
models, todo = set(), [BaseModel]
while todo:
    todo.extend(s for s in todo.pop().__subclasses__() if s not in models and not models.add(s))
theirs = [m for m in models if m.__module__.partition(".")[0] in ("langchain_core", "langgraph",
                                                                  "langsmith")]
print(json.dumps({"exit": result.exit_code, "loaded": loaded, "out": result.output[-500:],
                  "their_models": [len(theirs), sum(m.__pydantic_complete__ for m in theirs)],
                  "regex": {"kept": _KEPT.hits, "compiled": _KEPT.misses},
                  "gc": gc_after, "corpus_read": corpus.cache_info().currsize,
                  "store_less_graphs": graphs, "front_matter_built": built}))
"""


def test_next_action_imports_only_what_its_answer_needs(tmp_path: Path) -> None:
    env = {
        **_env(),
        "COACH_HOME": str(tmp_path),
        "COACH_INDEX_DIR": str(tmp_path / "index"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # the knowledge's words, kept by the first
    }
    _python(INGEST, (str(tmp_path / "index"),), env)
    first = json.loads(_python(ANSWER, LAZY, env))  # ranks its queries, keeps the rankings
    second = json.loads(_python(ANSWER, LAZY, env))
    for run in (first, second):
        assert run["exit"] == 0, run["out"]
    assert "bm25s" in first["loaded"]  # the check can see what it looks for
    assert second["loaded"] == [], f"`coach next-action` imported {second['loaded']}"
    # the knowledge's ordinary words are kept too: the second reads no knowledge corpus
    assert first["corpus_read"] == 1 and second["corpus_read"] == 0
    # it compiled the graph with its memory store only, not the store-less ones (agent/graph.py)
    assert second["store_less_graphs"] == []
    # it read plays, so their front matter's validator was built, and no other's was
    assert second["front_matter_built"] == {"ObjectionFrontMatter": False, "PlayFrontMatter": True}
    # the start-up imports were made out of the collector's sight, and it runs again after
    assert second["gc"]["enabled"] and second["gc"]["frozen"] > 100_000, second["gc"]
    # their regular expressions were compiled by the first and made from its kept code after
    # (tokenize's, built in hash order, differs from process to process)
    assert first["regex"]["compiled"] > 300, first["regex"]
    assert second["regex"]["kept"] > 300 and second["regex"]["compiled"] <= 2, second["regex"]
    # LangGraph's, langchain-core's and langsmith's models were built as they were used: a few
    defined, built = second["their_models"]
    assert defined > 50 and built <= 5, second["their_models"]


def test_imports_at_start_pause_the_collector_and_freeze_only_new_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from agent.interfaces.cli.startup import imports_at_start

    (tmp_path / "fresh_module_for_startup.py").write_text(
        "TABLE = [{'a': [1]} for _ in range(50)]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    before = gc.get_freeze_count()
    try:
        with imports_at_start():
            assert not gc.isenabled()
            import fresh_module_for_startup  # noqa: F401
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen > before
        with imports_at_start():  # nothing new: nothing more is frozen
            import fresh_module_for_startup  # noqa: F401,F811
        assert gc.get_freeze_count() == frozen and gc.isenabled()
        gc.disable()  # a caller that had it off keeps it off
        with imports_at_start():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        sys.modules.pop("fresh_module_for_startup", None)


def test_a_deferred_package_runs_its_init_when_a_name_is_first_asked_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its submodules import without it; the first name read from it runs it once (names its
    `__init__` set, its own `__getattr__`), and a name it lacks is an AttributeError as ever."""
    from agent.interfaces.cli import startup

    package = tmp_path / "deferred_pkg_for_startup"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import sys\n"
        "RUNS = sys.modules[__name__].__dict__.get('RUNS', 0) + 1\n"
        "from .part import VALUE as COPIED\n"
        "def __getattr__(name):\n"
        "    if name == 'ON_DEMAND':\n"
        "        return 'made'\n"
        "    raise AttributeError(name)\n"
    )
    (package / "part.py").write_text("VALUE = 42\n")
    (package / "other.py").write_text("OTHER = 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(startup.DEFERRED, package.name, "a test package")
    startup.defer_package_inits()
    try:
        from deferred_pkg_for_startup.part import VALUE

        parent = sys.modules[package.name]
        assert VALUE == 42 and "RUNS" not in vars(parent)  # the part, without the __init__
        from deferred_pkg_for_startup import other  # a submodule by name: imported, no __init__

        assert other.OTHER == 7 and "RUNS" not in vars(parent)
        assert parent.COPIED == 42 and parent.RUNS == 1  # asked: the __init__ ran
        assert parent.ON_DEMAND == "made" and parent.RUNS == 1  # its own __getattr__, once
        with pytest.raises(AttributeError):
            parent.MISSING  # noqa: B018
        with pytest.raises(ImportError):
            from deferred_pkg_for_startup import MISSING  # noqa: F401
    finally:
        for name in [m for m in sys.modules if m.startswith(package.name)]:
            del sys.modules[name]


def test_a_package_built_on_first_use_validates_as_an_eager_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its models build their validator when first used, the same one; a model that asks to
    be built at once is; the module keeps its real loader; pydantic's default is restored."""
    from pydantic import BaseModel, ValidationError
    from pydantic._internal._config import config_defaults

    from agent.interfaces.cli import startup

    package = tmp_path / "built_on_use_pkg_for_startup"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = (
        "from pydantic import BaseModel, ConfigDict, Field\n"
        "class Part(BaseModel):\n"
        "    n: int = Field(ge=0)\n"
        "class Whole(BaseModel):\n"
        "    parts: list[Part]\n"
        "    name: str = 'w'\n"
        "class AtOnce(BaseModel):\n"
        "    model_config = ConfigDict(defer_build=False)\n"
        "    x: int\n"
    )
    (package / "models.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(startup, "BUILT_ON_FIRST_USE", frozenset({package.name}))
    (tmp_path / "eager_models_for_startup.py").write_text(source)  # the same, built as ever
    startup.defer_package_inits()
    try:
        import eager_models_for_startup as eager
        from built_on_use_pkg_for_startup import models

        assert config_defaults["defer_build"] is False
        assert not models.Whole.__pydantic_complete__ and models.AtOnce.__pydantic_complete__
        assert type(models.__loader__).__name__ == "SourceFileLoader"
        assert models.__spec__ is not None and models.__spec__.loader is models.__loader__
        whole, eager_whole = models.Whole, eager.Whole
        assert eager_whole.__pydantic_complete__
        data = {"parts": [{"n": 1}, {"n": "2"}]}
        made = whole.model_validate(data)
        assert whole.__pydantic_complete__ and isinstance(made, BaseModel)
        assert made.model_dump() == eager_whole.model_validate(data).model_dump()
        for bad in ({"parts": [{"n": -1}]}, {"parts": "x"}):
            with pytest.raises(ValidationError) as ours:
                whole.model_validate(bad)
            with pytest.raises(ValidationError) as theirs:
                eager_whole.model_validate(bad)
            assert ours.value.errors() == theirs.value.errors()
        assert whole.model_json_schema() == eager_whole.model_json_schema()
    finally:
        for name in [m for m in sys.modules if m.startswith(package.name)]:
            del sys.modules[name]
        sys.modules.pop("eager_models_for_startup", None)


def test_the_store_less_graphs_are_compiled_once_when_first_asked_for() -> None:
    import agent.graph
    from agent.graph import graph, rep_graph

    assert agent.graph.graph is graph and agent.graph.rep_graph is rep_graph  # kept
    assert graph.name == "sales-coach" and rep_graph.name == "sales-coach-rep"
    assert "load_context" in graph.nodes and "load_rep_context" in rep_graph.nodes
    with pytest.raises(AttributeError):
        agent.graph.no_such_graph  # noqa: B018


def test_outlines_read_from_source_agree_with_the_registry() -> None:
    from agent.capabilities.outline import _from_registry

    read = outlines()
    assert list(read) == list(registry())
    assert read == _from_registry()  # the same fields, as importing every capability gives them
    assert read["performance_coaching"].scope == "rep" and not read["live_assist"].runs


def test_a_declaration_that_is_not_literal_is_read_by_importing(tmp_path: Path) -> None:
    """The fallback is the registry itself: a computed summary is never guessed at."""
    from agent.capabilities import outline

    folder = tmp_path / "computed"
    folder.mkdir()
    (folder / "contract.py").write_text("RESULT = None\n")
    (folder / "capability.py").write_text(
        "CAPABILITY = Capability(name='computed', summary=SUMMARY.upper(), draft=None)\n"
    )
    try:
        outline._read(folder)
    except outline.NotLiteral:
        return
    raise AssertionError("a computed summary was read as a literal")


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
