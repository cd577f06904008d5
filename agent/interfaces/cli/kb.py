"""`coach kb ...`: build, search and inspect the knowledge index."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from agent.interfaces.cli.common import AsOfOpt, err, parse_date, user_errors

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from agent.settings import CoachContext
    from knowledge.ingest import Progress as IngestProgress
    from knowledge.ingest import Stage

kb = typer.Typer(help="The knowledge base: ingest, search, stats.", no_args_is_help=True)
out = Console()

KnowledgeOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--knowledge",
        "-k",
        help="Extra knowledge folder (repeatable); extends or "
        "overrides the shipped knowledge by id. Also: COACH_KNOWLEDGE_DIRS",
        file_okay=False,
    ),
]
IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index",
        help="Index folder (default: COACH_INDEX_DIR, else index/ in the state folder: "
        "COACH_HOME, .coach/ in a checkout, else the user's data folder)",
        file_okay=False,
    ),
]


def _context(knowledge: list[Path] | None, index: Path | None) -> CoachContext:
    from agent.settings import CoachContext

    return CoachContext.from_env(extra_knowledge=tuple(knowledge or ()), index_dir=index)


STAGE_LABELS = {
    "documents": "Reading documents",
    "chunks": "Embedding chunks",
    "store": "Writing the index",
}


@contextmanager
def progress_bar(console: Console, show: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr, one row per ingest stage (knowledge/ingest.py), or
    nothing: `show` is false for --quiet, and when stderr is not a terminal (CI, a pipe, a
    log file) a bar would only be noise."""
    if not show or not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        yield bar


def _reporter(bar: Progress | None) -> IngestProgress | None:
    """The ingest callback that moves the bar (one task per stage, created when it starts)."""
    if bar is None:
        return None
    tasks: dict[str, TaskID] = {}

    def report(stage: Stage, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(STAGE_LABELS.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return report


@kb.command()
@user_errors
def ingest(
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
    force: Annotated[bool, typer.Option(help="Re-embed everything")] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bar (there is none when stderr is not a terminal)"
        ),
    ] = False,
) -> None:
    """Validate every knowledge file and index what changed (atomic: the old index stays in use
    until the new one is complete)."""
    from knowledge.ingest import ingest as run_ingest

    ctx = _context(knowledge, index)
    with progress_bar(err, show=not quiet) as bar:
        report = run_ingest(
            ctx.knowledge_dirs,
            ctx.index_dir,
            ctx.chroma_url,
            force=force,
            progress=_reporter(bar),
        )
    for line in report.overrides:  # also a warning in the log: listed, never silent
        out.print(f"Override: {line}", highlight=False)
    for line in report.skipped:
        out.print(f"Left out: {line}", highlight=False)
    for ref in report.suspected:  # indexed as data; a model never takes it as an instruction
        out.print(f"Reads like instructions to a model (indexed as data): {ref}", highlight=False)
    if report.unchanged:
        out.print(
            f"Knowledge index is up to date ({report.documents} documents, "
            f"{report.chunks} chunks, {report.seconds:.2f} s)."
        )
        return
    vectors = (
        f"{report.chunks} chunks ({report.embedded} embedded, {report.reused} reused)"
        if report.semantic
        else "lexical only (no embedding weights)"
    )
    place = (
        f"the Chroma server {ctx.chroma_url}" if ctx.chroma_url else ctx.index_dir / report.version
    )
    out.print(
        f"Indexed {report.documents} documents: {report.sections} sections, {vectors} "
        f"in {report.seconds:.1f} s -> {place}",
        highlight=False,
    )
    if report.changed:
        out.print(
            f"Changed: {', '.join(report.changed[:12])}"
            + (" …" if len(report.changed) > 12 else ""),
            highlight=False,
        )
    if report.removed:
        out.print(f"Removed: {', '.join(report.removed)}", highlight=False)


@kb.command()
@user_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for")],
    k: Annotated[int, typer.Option("--top", "-n", min=1, max=50)] = 5,
    type_: Annotated[
        list[str] | None, typer.Option("--type", help="Document type (repeatable)")
    ] = None,
    stage: Annotated[str | None, typer.Option(help="Phase: qualify … negotiate")] = None,
    competitor: Annotated[str | None, typer.Option()] = None,
    methodology: Annotated[str | None, typer.Option()] = None,
    persona: Annotated[str | None, typer.Option()] = None,
    mode: Annotated[str, typer.Option(help="hybrid, vector or lexical")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
) -> None:
    """Search the knowledge base; every hit carries a citable ref."""
    from agent.errors import InvalidInput
    from agent.retrieval import index_for
    from knowledge.retriever import SearchFilters

    if mode not in ("hybrid", "vector", "lexical"):
        raise InvalidInput(
            f"unknown mode '{mode}'", where="--mode", fix="Use hybrid, vector or lexical"
        )
    ctx = _context(knowledge, index)
    idx = index_for(ctx)
    filters = SearchFilters(
        type=type_ or [],
        stage=stage,
        competitor=competitor,
        methodology=methodology,
        persona=persona,
    )
    start = time.perf_counter()
    passages = idx.search(query, k=k, filters=filters, mode=mode)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - start) * 1000
    used = idx.effective_mode(mode)  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json.dumps([p.model_dump() for p in passages], indent=2) + "\n")
        return
    shown = mode if used == mode else f"{used}; semantic search is off"
    from rich.table import Table

    table = Table(title=f"{len(passages)} passages for '{query}' ({shown}, {elapsed:.0f} ms)")
    for column in ("#", "ref", "title / section", "excerpt"):
        table.add_column(column)
    for i, p in enumerate(passages, start=1):
        excerpt = " ".join(p.text.split())[:160]
        table.add_row(str(i), p.ref, f"{p.title}\n[dim]{p.heading}[/]", excerpt)
    out.print(table)


@kb.command()
@user_errors
def stats(knowledge: KnowledgeOpt = None, index: IndexOpt = None, as_of: AsOfOpt = None) -> None:
    """What the knowledge base holds, which cards and stories are due for re-verification, and
    the state of its index."""
    from collections import Counter

    from knowledge.corpus import load_corpus
    from knowledge.server_store import open_store
    from knowledge.trust import STALE_AFTER_DAYS, due_for_review

    ctx = _context(knowledge, index)
    corpus = load_corpus(ctx.knowledge_dirs)
    counts = Counter(str(d.meta["type"]) for d in corpus.docs.values())
    from rich.table import Table

    table = Table(title="Knowledge documents by type")
    table.add_column("type")
    table.add_column("documents", justify="right")
    table.add_column("sections", justify="right")
    for kind, n in sorted(counts.items()):
        sections = sum(len(d.sections) for d in corpus.of_type(kind))
        table.add_row(kind, str(n), str(sections))
    out.print(table)
    out.print("Folders: " + ", ".join(str(f) for f in ctx.knowledge_dirs), highlight=False)
    out.print(
        f"Overrides of shipped documents: {len(corpus.overrides)}"
        + "".join(f"\n  {o.describe(corpus.folders)}" for o in corpus.overrides)
        + "".join(f"\nLeft out: {line}" for line in corpus.skipped),
        highlight=False,
    )
    today = parse_date(as_of) or dt.date.today()
    due = due_for_review(corpus.docs.values(), today)
    out.print(
        f"Due for re-verification on {today.isoformat()} (last verified more than "
        f"{STALE_AFTER_DAYS} days ago): {len(due)}"
        + "".join(
            f"\n  {doc.id}: {doc.meta['last_verified']}, {age} days ({doc.meta['owner']})"
            for doc, age in due
        ),
        highlight=False,
    )
    store = open_store(ctx.index_dir, ctx.chroma_url)
    manifest = store.manifest()
    if manifest is None:
        out.print(f"Index: not built at {store.where}. Run `coach kb ingest`.", highlight=False)
        return
    from knowledge.store import file_hash

    stale = [
        d for d, doc in corpus.docs.items() if manifest.doc_hashes.get(d) != file_hash(doc.path)
    ]
    stale += [d for d in manifest.doc_hashes if d not in corpus.docs]
    size = store.size_bytes(manifest.version)
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(manifest.created))
    out.print(
        f"Index: {manifest.version} built {built}, {len(manifest.doc_hashes)} documents, "
        f"{len(manifest.chunk_ids)} chunks, "
        + (f"store {store.where}" if ctx.chroma_url else f"{size / 1e6:.1f} MB")
        + f", model {manifest.model}",
        highlight=False,
    )
    out.print(
        f"Out of date: {len(stale)} document(s) changed since the last ingest"
        + (f" ({', '.join(sorted(stale)[:8])})" if stale else ""),
        highlight=False,
    )
