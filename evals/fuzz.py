"""Property-based inputs (hypothesis) for every way data comes in: the input schemas, the
transcript readers, the CLI options and request bodies sent inline.

The property is the same everywhere: an input gives either a result or one user message
(InvalidInput, or a ValidationError described by describe_validation_error), capped in length;
anything else is a traceback. Targets record each case instead of failing on the first, so
the benchmark (`python -m evals.bench_fuzz`) can count cases and tracebacks, and pytest runs a
small derandomised sample (tests/unit/test_fuzz_inputs.py).
"""

from __future__ import annotations

import datetime as dt
import json
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as seeded
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from agent.errors import MESSAGE, CoachError, describe_validation_error

Outcome = Literal["result", "message", "traceback"]
# A message may quote its place and a clipped value; more than this is an echo of the input.
MAX_MESSAGE = MESSAGE + 100


@dataclass(frozen=True)
class Case:
    target: str
    outcome: Outcome
    detail: str = ""


def judge(target: str, run: Callable[[], object]) -> Case:
    """Runs one input and says what it gave; a message longer than the cap is a failure too."""
    try:
        run()
    except CoachError as exc:
        return _message(target, str(exc))
    except ValidationError as exc:
        return _message(target, describe_validation_error(exc.errors()))
    except Exception:  # noqa: BLE001 - counting tracebacks is the point
        return Case(target, "traceback", traceback.format_exc(limit=-8))
    return Case(target, "result")


def _message(target: str, text: str) -> Case:
    if len(text) > MAX_MESSAGE or not text.strip():
        return Case(target, "traceback", f"message of {len(text)} characters: {text[:300]}")
    return Case(target, "message", text[:200])


# Values that have broken readers: impossible and extreme dates, non-finite and huge numbers,
# lone surrogates, control characters, long and deeply nested values, wrong types.
_DATES = ["2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "2026-1-1", "", "yesterday"]
_TEXT = st.text(
    alphabet=st.characters(codec=None, categories=("L", "N", "P", "Z", "Cc", "Cs", "So")),
    max_size=40,
)
NASTY: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(_DATES),
    st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    _TEXT,
    st.sampled_from(["x" * 300, "é" * 200, "\ud800", "a\x00b", "\u202e\u200b", "../../etc"]),
    st.integers(min_value=30, max_value=120).map(lambda n: _nested(n)),
    st.none(),
    st.booleans(),
    st.lists(_TEXT, max_size=3),
    st.dictionaries(_TEXT, _TEXT, max_size=2),
)


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data[:3]):
            yield from _paths(value, (*prefix, i))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replaced(data[head], rest, value)}
    copy = list(data)
    copy[head] = _replaced(copy[head], rest, value)
    return copy


def mutations(base: dict[str, Any], changes: int = 2) -> st.SearchStrategy[Any]:
    """The base document with up to `changes` values replaced by nasty ones (any depth)."""
    paths = list(_paths(base))

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        data: Any = base
        for _ in range(draw(st.integers(min_value=1, max_value=changes))):
            path = draw(st.sampled_from(paths))
            try:
                data = _replaced(data, path, draw(NASTY))
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed the place
        return data

    return build()


@lru_cache(maxsize=1)
def sample_inputs() -> dict[str, Any]:
    """The sample workspace's D-1003 as plain data: the deal and each section present."""
    from agent.settings import SAMPLE_WORKSPACE
    from tools.sources import workspace_source

    context = workspace_source(SAMPLE_WORKSPACE).load_context("D-1003")
    return context.model_dump(mode="json", exclude={"sources", "missing_inputs"})


def schema_targets() -> dict[str, tuple[type[BaseModel], dict[str, Any]]]:
    """Every input schema with a valid base document to mutate."""
    from agent.contracts import CoachingRequest, DealContext
    from agent.contracts.context import SECTION_MODELS
    from agent.contracts.deal import Deal

    data = sample_inputs()
    found: dict[str, tuple[type[BaseModel], dict[str, Any]]] = {
        "deal": (Deal, data["deal"]),
        "deal_context": (DealContext, {"deal": data["deal"]}),
    }
    for name, model in SECTION_MODELS.items():
        if isinstance(data.get(name), dict):
            found[f"section:{name}"] = (model, data[name])
    for capability, request in capability_requests().items():
        found[f"request:{capability}"] = (CoachingRequest, request)
    return found


def capability_requests() -> dict[str, dict[str, Any]]:
    """A valid request per capability, each carrying what its capability uses."""
    from agent.capabilities.registry import registry

    requests = {}
    for spec in registry().values():
        request: dict[str, Any] = {"capability": spec.name, "deal_id": "D-1003"}
        if spec.scope == "rep":
            request = {"capability": spec.name, "rep_id": "rep-priya"}
        request.update(
            message="they said we're too expensive",
            meeting={"attendees": ["c-owen-marchetti"], "duration_minutes": 30},
            transcript="Priya Natarajan: Thanks for joining.\nOwen Marchetti: Price matters.",
            as_of="2026-12-01",
        )
        requests[spec.name] = request
    return requests


SAMPLE_TRANSCRIPTS = {
    "plain": "Priya Natarajan: Thanks for joining.\nOwen Marchetti: The price is high.\n",
    "webvtt": "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Priya>Hello there.\n\n"
    "00:00:05.000 --> 00:00:09.000\n<v Owen>Price is high.\n",
    "srt": "1\n00:00:01,000 --> 00:00:04,000\nPriya: Hello there.\n\n"
    "2\n00:00:05,000 --> 00:00:09,000\nOwen: Price is high.\n",
    "json": json.dumps({"segments": [{"speaker": "Priya", "start": 1, "end": 4, "text": "Hi"}]}),
}


def transcript_texts(fmt: str) -> st.SearchStrategy[str]:
    """Sample lines of one format with lines inserted, dropped or garbled, or random text."""
    base = SAMPLE_TRANSCRIPTS[fmt]
    lines = base.splitlines()
    line = st.one_of(
        _TEXT,
        st.sampled_from(["99:99:99.999 --> 00:00:01.000", "-->", "WEBVTT", "<v>", "1", ":"]),
        st.sampled_from(['{"segments": [', '{"start": "x"}', "Infinity", "[" * 50]),
    )

    @st.composite
    def build(draw: st.DrawFn) -> str:
        chosen = list(lines)
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            at = draw(st.integers(min_value=0, max_value=len(chosen)))
            chosen.insert(at, draw(line))
        if fmt == "json" and draw(st.booleans()):
            data = json.loads(base)
            data["segments"][0][draw(st.sampled_from(["start", "text", "speaker"]))] = draw(NASTY)
            return json.dumps(data, default=str)
        return "\n".join(chosen)

    return st.one_of(build(), _TEXT)


# Options of the `coach` command line, each with values a person might type.
_OPTION_VALUES: dict[str, st.SearchStrategy[str]] = {
    "--as-of": st.one_of(st.sampled_from(_DATES), _TEXT),
    "--minutes": st.one_of(st.sampled_from(["0", "-5", "1e9", "30", "nan"]), _TEXT),
    "--attendee": st.one_of(st.just("c-owen-marchetti"), _TEXT),
    "--message": st.one_of(_TEXT, st.just("x" * 30_000)),
    "--methodology": st.one_of(st.sampled_from(["BANT", "MEDDICC", "none"]), _TEXT),
    "--workspace": st.sampled_from(["/dev/null", "/nonexistent", "/tmp", "."]),
    "--format": st.sampled_from(["json", "markdown", "xml"]),
}
_COMMANDS = {
    "next-action": ("--as-of", "--workspace", "--format"),
    "brief": ("--as-of", "--minutes", "--attendee"),
    "objections": ("--message", "--as-of"),
    "methodology": ("--methodology", "--as-of"),
    "chat": ("--once",),
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """One `coach` command line: a command, a deal id (sometimes odd) and a few options."""
    command = draw(st.sampled_from(sorted(_COMMANDS)))
    deal = draw(
        st.one_of(st.just("D-1003"), st.sampled_from(["", "D" * 300, "é" * 200, "../x"]), _TEXT)
    )
    if command == "chat":
        return [
            "chat",
            "--deal",
            deal,
            "--offline",
            "--once",
            draw(st.one_of(_TEXT, st.just("x" * 30_000))),
        ]
    args = [command, deal]
    for option in draw(st.lists(st.sampled_from(_COMMANDS[command]), max_size=2, unique=True)):
        args += [option, draw(_OPTION_VALUES[option])]
    return args


def request_bodies() -> st.SearchStrategy[str]:
    """A request as an orchestrator sends it, the deal inline, with values replaced."""
    data = sample_inputs()
    request = {
        "capability": "next_best_action",
        "deal": {"deal": data["deal"], "risk": data.get("risk")},
        "as_of": "2026-12-01",
    }
    return mutations(request, changes=2).map(lambda r: json.dumps(r, default=str))


Runner = Callable[[list[Case]], None]
# Runs one `coach` command line (arguments, stdin) and gives (exit code, output, traceback or
# ""). The caller provides it: evals sit below the interfaces and never import the CLI; the
# tests pass typer's CliRunner, the benchmark a worker process (evals/bench_fuzz.py).
Invoke = Callable[[list[str], str | None], tuple[int, str, str]]


def runners(
    examples: int, seed: int | None = None, invoke: Invoke | None = None
) -> dict[str, Runner]:
    """One hypothesis run per target, recording a Case per example (never stopping early);
    without a seed the examples are the same every run; the CLI targets need `invoke`."""
    from agent.reading.transcripts import parse_transcript

    chosen = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    def cli_case(name: str, args: list[str], stdin: str | None = None) -> Case:
        assert invoke is not None
        code, output, failure = invoke(args, stdin)
        if failure or code not in (0, 2):
            return Case(name, "traceback", f"exit {code}: {failure[-2000:] or output[-2000:]}")
        if code == 2:
            lines = output.strip().splitlines()
            return _message(name, lines[-1] if lines else "usage")
        return Case(name, "result")

    def property_of(strategy: st.SearchStrategy[Any], case: Callable[[Any], Case]) -> Runner:
        def run(cases: list[Case]) -> None:
            def prop(value: Any) -> None:
                cases.append(case(value))

            test = chosen(given(strategy)(prop))
            (seeded(seed)(test) if seed is not None else test)()

        return run

    def schema_case(name: str, model: type[BaseModel]) -> Callable[[Any], Case]:
        return lambda data: judge(name, lambda: model.model_validate(data))

    def transcript_case(fmt: str) -> Callable[[Any], Case]:
        return lambda text: judge(f"transcript:{fmt}", lambda: parse_transcript(text, "t", fmt))

    found: dict[str, Runner] = {
        name: property_of(mutations(base), schema_case(name, model))
        for name, (model, base) in schema_targets().items()
    }
    for fmt in SAMPLE_TRANSCRIPTS:
        found[f"transcript:{fmt}"] = property_of(transcript_texts(fmt), transcript_case(fmt))
    if invoke is not None:
        found["cli"] = property_of(command_lines(), lambda args: cli_case("cli", args))
        found["request"] = property_of(
            request_bodies(), lambda body: cli_case("request", ["request", "-"], body)
        )
    return found
