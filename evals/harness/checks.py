"""A case's expectation checks, one per item as the case file writes it, each with the lines of
output it judged.

A capability's expectations return bare (holds, why) pairs for the whole case. To say *which*
expectation a check comes from (so a report can name the checks that held on a twin, and a
failure can show what it compared), each key is checked on its own, an expectation with just
that key set, and so is each item of a list or mapping key when that gives the same checks
(`signals_include` is one check per signal; `primary_play_in`, one over its alternatives).
Keys are independent by design; should they ever not be, the whole expectation's checks are
used, labelled by their reasons, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from agent.capabilities.expectations import Check, Expectations
from agent.contracts.response import CoachingResponse
from evals.harness.cases import CommonExpectations

Kind = Literal["required", "forbidden"]
# Keys the harness checks itself (on the rendered advice) or that are budgets, not checks.
HARNESS_KEYS = frozenset(CommonExpectations.model_fields)
LINES_PER_CHECK = 3
LINE_CHARS = 220
# Words too common in advice to say which line a pattern was after.
_STOP_WORDS = (
    "the and for you your with are can will was not this that them they their has have been "
    "from into than then what when who"
)
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class CaseCheck:
    """One check of a case: the key and item it comes from, whether it holds, why it fails (in
    the capability's words) and, when it fails, the output it judged."""

    key: str
    item: str
    holds: bool
    why: str
    evidence: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The expectation as the case file states it: stable whatever the output."""
        return f"{self.key}: {self.item}"


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return " to ".join(str(v) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} -> {_shown(v)}" for k, v in value.items())
    return str(value)


def _typed(key: str, item: str, checks: list[Check]) -> list[CaseCheck]:
    out = []
    for n, (ok, why) in enumerate(checks, start=1):
        name = item if len(checks) == 1 else f"{item} ({n})"
        out.append(CaseCheck(key, name, ok, why, () if ok else (f"result: {why}",)))
    return out


def _same(split: list[CaseCheck], whole: list[Check]) -> bool:
    return sorted((c.holds, c.why) for c in split) == sorted(whole)


def _key_checks(expect: Expectations, key: str, result: Any, kind: Kind) -> list[CaseCheck]:
    """One key's checks: one per item of a list or mapping when its items are checked each
    on their own (`signals_include`), else the key's as a whole (`primary_play_in` is one
    check over its alternatives)."""
    value = getattr(expect, key)
    if value is None or value == [] or value == {}:
        return []
    blank = type(expect)()
    whole: list[Check] = getattr(blank.model_copy(update={key: value}), kind)(result)
    entries: list[tuple[str, Any]] = []
    if isinstance(value, list):
        entries = [(_shown(v), [v]) for v in value]
    elif isinstance(value, dict):
        entries = [(f"{k} -> {_shown(v)}", {k: v}) for k, v in value.items()]
    if len(entries) > 1:
        split = [
            check
            for item, alone in entries
            for check in _typed(
                key, item, getattr(blank.model_copy(update={key: alone}), kind)(result)
            )
        ]
        if _same(split, whole):
            return split
    return _typed(key, _shown(value), whole)


def typed_checks(expect: Expectations, result: Any, kind: Kind) -> list[CaseCheck]:
    """The capability's own checks of its typed result, by key, in field order."""
    whole: list[Check] = getattr(expect, kind)(result)
    split = [
        check
        for key in type(expect).model_fields
        if key not in HARNESS_KEYS
        for check in _key_checks(expect, key, result, kind)
    ]
    if _same(split, whole):
        return split
    return [c for ok, why in whole for c in _typed("expect", why, [(ok, why)])]


def _clip(line: str, at: int) -> str:
    """The line, or a window of it around position `at`."""
    at -= len(line) - len(line.lstrip())
    line = line.strip()
    if len(line) <= LINE_CHARS:
        return line
    start = max(0, min(at - LINE_CHARS // 3, len(line) - LINE_CHARS))
    head = "…" if start else ""
    tail = "…" if start + LINE_CHARS < len(line) else ""
    return head + line[start : start + LINE_CHARS] + tail


def matched_lines(text: str, start: int, end: int) -> list[str]:
    """The advice lines a match spans, numbered as in the markdown."""
    lines = text.split("\n")
    first = text.count("\n", 0, start)
    last = text.count("\n", 0, max(start, end - 1))
    offset = start - (text.rfind("\n", 0, start) + 1)
    shown = [
        f"L{n + 1}: {_clip(lines[n], offset if n == first else 0)}"
        for n in range(first, min(last, first + LINES_PER_CHECK - 1) + 1)
        if n < len(lines)
    ]
    if last - first + 1 > LINES_PER_CHECK:
        shown.append(f"… and {last - first + 1 - LINES_PER_CHECK} more lines")
    return shown


def _words(pattern: str) -> set[str]:
    found = re.findall(r"[A-Za-z]{3,}|\d{2,}", re.sub(r"\\[A-Za-z]", " ", pattern))
    return {w.lower() for w in found} - _STOP


def closest_lines(pattern: str, text: str) -> list[str]:
    """The advice lines sharing the most words with a pattern that matched nowhere: where the
    advice came closest to saying it (or that no line comes close)."""
    words = [re.compile(rf"\b{re.escape(w)}", re.IGNORECASE) for w in sorted(_words(pattern))]
    ranked = []
    for n, line in enumerate(text.split("\n")):
        hits = [m.start() for w in words if (m := w.search(line))]
        if hits:
            ranked.append((-len(hits), n, min(hits), line))
    if not ranked:
        return ["no line of the advice shares a word with the pattern"]
    ranked.sort()
    return [f"L{n + 1}: {_clip(line, at)}" for _, n, at, line in ranked[:LINES_PER_CHECK]]


def text_checks(patterns: list[str], text: str, present: bool) -> list[CaseCheck]:
    """Case-insensitive patterns that must (present) or must not match the advice; each check
    keeps the lines it judged: the match, or the closest lines when a wanted one is missing."""
    key = "text_include" if present else "text_forbid"
    checks = []
    for pattern in patterns:
        found = re.search(pattern, text, re.IGNORECASE | re.MULTILINE)
        item = f"/{pattern}/"
        if present and found is None:
            lines = closest_lines(pattern, text)
            why = f"the advice never says {item}"
            checks.append(CaseCheck(key, item, False, why, ("no match; closest lines:", *lines)))
        elif present:
            assert found is not None
            why = f"the advice says '{found.group(0)}' ({item})"
            checks.append(CaseCheck(key, item, True, why))
        elif found is not None:
            why = f"the advice says '{found.group(0)}' ({item})"
            lines = matched_lines(text, found.start(), found.end())
            checks.append(CaseCheck(key, item, False, why, ("matched:", *lines)))
        else:
            checks.append(CaseCheck(key, item, True, f"the advice never says {item}"))
    return checks


def missing_input_checks(expected: list[str], response: CoachingResponse) -> list[CaseCheck]:
    reported = sorted({m.section for m in response.missing_inputs})
    seen = f"reported missing: {', '.join(reported) or 'nothing'}"
    return [
        CaseCheck(
            "missing_inputs_include",
            m,
            m in reported,
            f"missing input {m} not reported",
            () if m in reported else (seen,),
        )
        for m in expected
    ]


def name_checks(names: list[str], response: CoachingResponse) -> list[CaseCheck]:
    """Names that must appear nowhere: in the advice (the lines are kept) or in the result."""
    text = response.markdown
    structured = response.model_dump_json()
    checks = []
    for name in names:
        if name not in text and name not in structured:
            checks.append(CaseCheck("forbid_names", name, True, f"mentions {name}"))
            continue
        at = text.find(name)
        lines = (
            matched_lines(text, at, at + len(name))
            if at >= 0
            else ["named in the structured result, not the advice text"]
        )
        checks.append(CaseCheck("forbid_names", name, False, f"mentions {name}", tuple(lines)))
    return checks


def required_checks(expect: Any, response: CoachingResponse) -> list[CaseCheck]:
    """The case's required content: what must be reported missing, the capability's own keys
    and the patterns the advice must contain."""
    return (
        missing_input_checks(expect.missing_inputs_include, response)
        + typed_checks(expect, response.result, "required")
        + text_checks(expect.text_include, response.markdown, True)
    )


def forbidden_checks(expect: Any, response: CoachingResponse) -> list[CaseCheck]:
    return (
        typed_checks(expect, response.result, "forbidden")
        + name_checks(expect.forbid_names, response)
        + text_checks(expect.text_forbid, response.markdown, False)
    )
