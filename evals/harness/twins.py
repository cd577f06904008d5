"""Counterfactual twins: the same case with its one key fact removed or flipped.

A case's `twin:` lists edits to its request. The runner answers both; the twin's own `expect`
must hold on the twin, and a case whose main expectations that held on it all still hold on the
twin's answer is reported as a check that cannot fail (it would pass whether or not the agent
read the fact; evals/harness/summary.py counts them, the reports list them).

Edits address the request as written in the case file, with dotted paths and `[i]` indexes
(`deal.deal.notes[0].text`, `transcript`): `set` a value (adding a missing key), `remove` a
list element or key, or `replace` one exact substring of a text.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*")
_STEP = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


class Substitution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    old: str = Field(min_length=1)
    new: str


class Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    set: Any = None
    remove: bool = False
    replace: Substitution | None = None

    @model_validator(mode="after")
    def _one_operation(self) -> Edit:
        chosen = [self.remove, self.replace is not None, "set" in self.model_fields_set]
        if sum(chosen) != 1:
            raise ValueError("an edit does exactly one of: set, remove, replace")
        return self


class Twin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    edits: list[Edit] = Field(min_length=1)
    expect: Any = Field(default_factory=dict, description="Validated per capability.")


def _steps(path: str) -> list[str | int]:
    if not _PATH.fullmatch(path):
        raise ValueError(f"'{path}' is not a path like deal.deal.notes[0].text")
    return [int(index) if index else name for name, index in _STEP.findall(path)]


def _parent(data: Any, steps: list[str | int], path: str) -> Any:
    node = data
    for step in steps[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"'{path}': nothing at {step!r}") from None
    return node


def apply_edits(request: dict[str, Any], edits: list[Edit]) -> dict[str, Any]:
    """A copy of the request (as written in the case file) with the edits applied in order."""
    twin = copy.deepcopy(request)
    for edit in edits:
        steps = _steps(edit.path)
        parent, last = _parent(twin, steps, edit.path), steps[-1]
        if edit.remove:
            try:
                del parent[last]
            except (KeyError, IndexError, TypeError):
                raise ValueError(f"'{edit.path}': nothing to remove") from None
        elif edit.replace is not None:
            try:
                text = parent[last]
            except (KeyError, IndexError, TypeError):
                raise ValueError(f"'{edit.path}': no text there") from None
            if not isinstance(text, str) or text.count(edit.replace.old) != 1:
                raise ValueError(
                    f"'{edit.path}': '{edit.replace.old[:60]}' must occur exactly once"
                )
            parent[last] = text.replace(edit.replace.old, edit.replace.new)
        else:
            if isinstance(parent, list) and not (isinstance(last, int) and last < len(parent)):
                raise ValueError(f"'{edit.path}': index out of range")
            if isinstance(parent, dict | list):
                parent[last] = copy.deepcopy(edit.set)  # type: ignore[index]
            else:
                raise ValueError(f"'{edit.path}': cannot set inside a {type(parent).__name__}")
    return twin
