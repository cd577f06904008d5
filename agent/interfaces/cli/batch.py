"""`coach batch CAPABILITY`: one capability over every deal the principal may see (or the
deals named), one JSON response per line.

Why a command of its own: a pipeline review runs one capability over thousands of deals, and a
loop of `coach` processes pays the start-up each time. Here the process starts once, the graph,
knowledge and templates are loaded once, and `--jobs N` forks N workers that inherit them
(each keeps its own warm caches). A deal that fails (a broken file, a deal not found) is
reported on stderr and skipped; the exit code is 2 only when no deal was answered.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.errors import CoachError, InvalidInput
from agent.interfaces.cli.common import (
    AsOfOpt,
    WorkspaceOpt,
    cli_settings,
    progress_bar,
    user_errors,
)

# Set in each worker before it answers (fork start: inherited from the parent).
_JOB: dict[str, Any] = {}


class _OnceEach(logging.Filter):
    """Lets each warning text through once: a warning every answer shares (the workspace's
    seller is not the shipped knowledge's) would otherwise fill stderr with thousands of
    copies. It stays in every answer's `warnings`; a deal's own warnings name the deal, so
    they still show. Each forked worker keeps its own set (at most one copy per worker)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        text = record.getMessage()
        if text in self.seen:
            return False
        self.seen.add(text)
        return True


def _request(deal_id: str) -> Any:
    from agent.capabilities.registry import sample_request

    request = sample_request(_JOB["spec"], deal_id, "", _JOB["settings"])
    as_of = _JOB["as_of"]
    return request if as_of is None else request.model_copy(update={"as_of": as_of})


def _answer(deal_id: str) -> tuple[str, str | None, str | None]:
    """(deal id, the response as one JSON line, or the problem)."""
    from agent.service import coach

    try:
        response = coach(_request(deal_id), _JOB["settings"])
    except CoachError as exc:
        return deal_id, None, str(exc)
    except Exception as exc:  # noqa: BLE001 - one deal's failure must not stop the batch
        return deal_id, None, f"{type(exc).__name__}: {exc}"
    return deal_id, response.model_dump_json(), None


# Deals a worker takes at a time: few enough that the last ones do not leave a core idle while
# the other worker finishes its share (64, before, could leave one core idle for about 0.6 s
# of a 13 s Maven run), and enough that handing them out costs little.
CHUNK = 8
DIED = "a worker process died while answering it (not answered)"


def _chunk(deals: list[str]) -> list[tuple[str, str | None, str | None]]:
    """Answers to a few deals, whose coaching records are written together at the end
    (coaching_history.held): a deal is answered only once its record is kept."""
    from agent.capabilities.common.coaching_history import held

    try:
        with held():
            return [_answer(d) for d in deals]
    except Exception as exc:  # noqa: BLE001 - the memory refused the records: none is answered
        problem = f"its coaching record could not be kept ({type(exc).__name__}: {exc})"
        return [(d, None, problem) for d in deals]


def _results(deals: list[str], jobs: int) -> Iterator[tuple[str, str | None, str | None]]:
    """Answers in the order of `deals`: in this process, or in `jobs` forked workers. A deal a
    worker did not answer because the worker died is yielded with the problem `DIED`, never
    dropped: a worker that dies breaks the pool, and every deal not answered by then is
    reported (and counted) as not answered."""
    if not deals:
        return
    # The first deal is answered here, before the workers are forked: they inherit the imported
    # graph and what a first answer loads once for every deal (the knowledge and its rankings,
    # templates, vocabularies) instead of each paying for it. A worker opens its own memory
    # connection (agent/memory.py forgets the parent's at fork).
    yield from _chunk(deals[:1])
    rest = deals[1:]
    parts = [rest[i : i + CHUNK] for i in range(0, len(rest), CHUNK)]
    with _settled():
        if jobs <= 1 or len(deals) < 2:
            for part in parts:
                yield from _chunk(part)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_JOB.update, initargs=(dict(_JOB),)
        )
        try:
            futures = [pool.submit(_chunk, part) for part in parts]
            for part, future in zip(parts, futures, strict=True):
                try:
                    yield from future.result()
                except BrokenProcessPool:
                    yield from ((d, None, DIED) for d in part)
        finally:  # stopped early (an error writing, ^C): what has not started is not run
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _settled() -> Iterator[None]:
    """After the first answer, what every later one reuses is loaded (modules, knowledge,
    templates): it is moved out of the cyclic collector's sight (`gc.freeze`, the standard
    step before forking, so workers do not touch its pages either), and the youngest
    generation is collected less often: an answer makes many short-lived objects and few
    cycles, and a full collection walked everything loaded at every pass (together about a
    twelfth of a warm answer's CPU). Both are undone when the batch ends."""
    import gc

    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, *before[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _chosen(source: Any, named: list[str] | None, include_closed: bool) -> tuple[list[str], int]:
    """The deals to answer (those named, else every reachable one) and how many closed ones
    were left out, from one full refresh of the catalogue (tools/catalogue.py): a deal not in
    it, or whose file has a problem, stays, so that its problem is reported where every other
    deal's is."""
    if named is not None and include_closed:
        return named, 0
    from agent.analysis.closure import deal_states

    entries = source.entries()
    deals = named if named is not None else [e.id for e in entries]
    if include_closed:
        return deals, 0
    states = deal_states(source, [e for e in entries if e.problem is None])
    kept = [d for d in deals if states.get(d, "open") == "open"]
    return kept, len(deals) - len(kept)


def _keep_deals(source: Any, settings: Any) -> None:
    """Turn the deal cache on (tools/deal_cache.py): a deal unchanged since an earlier run is
    not parsed, validated and read again. Its generation names the knowledge index version."""
    from agent.resources import state_dir
    from knowledge.store import IndexStore

    source.deal_cache.enable(state_dir(), IndexStore(settings.index_dir).current_version)


def _capability(name: str) -> Any:
    """The capability named, found by its outline (read from the declarations' source) and
    then imported alone: a batch pays for the one builder it runs, not for every one."""
    from agent.capabilities.outline import outlines
    from agent.capabilities.registry import capability

    specs = outlines()
    by_command = {s.command: s for s in specs.values() if s.command}
    spec = specs.get(name) or specs.get(name.replace("-", "_")) or by_command.get(name)
    deal_scoped = sorted(s.name for s in specs.values() if s.scope == "deal")
    if spec is None or spec.scope != "deal":
        raise InvalidInput(
            f"'{name}' is not a capability that answers about one deal",
            where="CAPABILITY",
            fix=f"Use one of: {', '.join(deal_scoped)}",
        )
    return capability(spec.name)


@user_errors
def batch_command(
    capability: Annotated[
        str, typer.Argument(help="A deal capability, e.g. next_best_action or next-action")
    ],
    workspace: WorkspaceOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the JSON lines here (default: stdout)"),
    ] = None,
    deals: Annotated[
        str | None, typer.Option("--deals", help="Only these deal ids, comma-separated")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="Processes")] = 1,
    as_of: AsOfOpt = None,
    include_closed: Annotated[
        bool,
        typer.Option("--include-closed", help="Answer closed (won or lost) deals too"),
    ] = False,
) -> None:
    """Run one capability over every deal you may see: one JSON response per line. Closed
    deals (won or lost) are skipped unless --include-closed: a pipeline run is about open ones."""
    import datetime as dt

    from rich.console import Console

    from agent.interfaces.cli.startup import imports_at_start
    from tools.deal_ids import check_deal_id
    from tools.sources import workspace_source

    settings = cli_settings(workspace)
    with imports_at_start():  # the capability, the graph and what they import (startup.py)
        spec = _capability(capability)
        import agent.service  # noqa: F401 - imported here, not by the first answer
    source = workspace_source(settings.workspace, settings.principal)
    _keep_deals(source, settings)
    named = (
        [check_deal_id(d.strip(), "--deals") for d in deals.split(",") if d.strip()]
        if deals is not None
        else None
    )
    when = None
    if as_of is not None:
        try:
            when = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInput(
                f"'{as_of}' is not a date", where="--as-of", fix="Use YYYY-MM-DD"
            ) from None
    _JOB.update(spec=spec, settings=settings, as_of=when)
    answers_log = logging.getLogger("agent.nodes.respond")  # each answer's warnings, logged
    once = _OnceEach()
    answers_log.addFilter(once)
    err = Console(stderr=True)
    chosen, closed = _chosen(source, named, include_closed)
    if closed:
        err.print(
            f"skipped {closed} closed deal(s) (--include-closed to answer them)", markup=False
        )
    answered, skipped, died = 0, 0, 0
    target = out.open("w", encoding="utf-8") if out is not None else sys.stdout
    try:
        with progress_bar(err) as progress:
            task = progress.add_task(spec.name, total=len(chosen))
            for deal_id, line, problem in _results(chosen, jobs):
                if line is not None:
                    target.write(line + "\n")
                    answered += 1
                else:
                    progress.console.print(f"skipped {deal_id}: {problem}", markup=False)
                    skipped += 1
                    died += problem == DIED
                progress.advance(task)
    finally:
        answers_log.removeFilter(once)
        if out is not None:
            target.close()
    err.print(f"{spec.name}: {answered} answered, {skipped} skipped", markup=False)
    if died:  # not the input's fault: answer them again with --deals
        err.print(f"{died} deal(s) not answered: a worker process died", markup=False)
        raise typer.Exit(1)
    if answered == 0:
        raise typer.Exit(2)
