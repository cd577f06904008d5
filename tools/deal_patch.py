"""Apply a debrief's proposed patch to a workspace deal file: append the call as an activity,
move contacts' last-contact dates, add new competitors, set the agreed next step, and move the
stage on when the debrief found its exit criteria met.

YAML files are edited round-trip (ruamel.yaml), so comments, key order and formatting the user
wrote survive; JSON files are rewritten as JSON. The patched document is validated as a Deal
before anything is written, and written atomically (a temporary file, then a rename), so a
failure or a `kill -9` leaves the file as it was or fully patched.

Several processes may apply debriefs of different calls to one deal at once. The patch is
applied under an exclusive lock on the deal file, to the file as it is then (re-read under the
lock), never to the copy read when the analysis started: a concurrent writer's activities are
kept (merged), and when the file changed since the analysis read it the result says so. A
patch whose call is already in the file (its transcript marker) is refused: applying twice must
not log the call twice. An activity id another call took meanwhile is renumbered.

What is written passes the one sanitiser first (agent/sanitise.py): the CRM is an exit, and
every later answer reads it back.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import Timeout
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq

from agent.contracts.deal import Deal
from agent.contracts.deal_patch import DealPatch
from agent.errors import InvalidInput, describe_validation_error
from agent.files import lock_for, version, write_atomic
from agent.sanitise import STRICT, OutputPolicy, clean


@dataclass(frozen=True)
class Applied:
    """What `apply_patch` did: the file's diff, whether another writer changed the file since
    the analysis read it (the patch was then merged into the current file), and what the merge
    left as the other writer had it."""

    diff: str
    activity_id: str
    merged: bool = False
    notes: list[str] = field(default_factory=list)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True  # one date used twice stays a date
    return yaml


def _free_id(wanted: str, taken: set[str], on: dt.date) -> str:
    """`wanted` unless another call took it: then the record's next number ('a13'), else the
    call's date with a counter."""
    if wanted not in taken:
        return wanted
    numbers = [int(t[1:]) for t in taken if re.fullmatch(r"a\d+", t)]
    if re.fullmatch(r"a\d+", wanted) and numbers:
        return f"a{max(numbers) + 1}"
    n = 2
    while f"call-{on.isoformat()}-{n}" in taken:
        n += 1
    return f"call-{on.isoformat()}-{n}"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _patched(doc: Any, patch: DealPatch, where: str) -> tuple[Any, str, list[str]]:
    activities = doc.setdefault("activities", [])
    new = patch.add_activity
    for a in activities:
        if patch.marker in str(a.get("summary", "")):
            raise InvalidInput(
                f"this call is already in the deal as activity '{a.get('id')}'",
                where=where,
                fix="Nothing was changed; edit that activity by hand to correct it",
            )
    notes: list[str] = []
    activity = new.model_dump(mode="python", exclude_none=True)
    activity["id"] = _free_id(new.id, {str(a.get("id")) for a in activities}, new.date)
    if activity["id"] != new.id:
        notes.append(f"activity id {new.id} was taken meanwhile: recorded as {activity['id']}")
    participants = CommentedSeq(activity["participants"])
    participants.fa.set_flow_style()  # as the sample records write them: [a, b]
    activity["participants"] = participants
    later = [a for a in activities if (d := _as_date(a.get("date"))) is not None and d > new.date]
    activities.append(activity)
    dates = {u.contact_id: u.last_contact for u in patch.contact_updates}
    for contact in doc.get("contacts", []):
        if contact.get("id") in dates:
            current = _as_date(contact.get("last_contact"))
            if current is None or current < dates[contact["id"]]:  # never moves back
                contact["last_contact"] = dates[contact["id"]]
    known = {str(c).lower() for c in doc.get("competitors", []) or []}
    rivals = [c for c in patch.add_competitors if c.lower() not in known]
    if rivals:
        doc.setdefault("competitors", []).extend(rivals)
    if patch.next_step is not None:
        if later:  # a later call's next step stands
            notes.append(f"next step kept: activity {later[-1].get('id')} is a later call")
        else:
            doc["next_step"] = patch.next_step
            doc["next_step_date"] = patch.next_step_date
    if patch.advance_stage_to is not None:
        current = doc.get("stage")
        if current == patch.advance_stage_to:
            notes.append(f"stage already {patch.advance_stage_to}")
        elif patch.stage_from is not None and current != patch.stage_from:
            notes.append(f"stage left at {current}: it changed since the analysis read it")
        else:
            doc["stage"] = patch.advance_stage_to
            entry = {"stage": patch.advance_stage_to, "entered": new.date}
            doc.setdefault("stage_history", []).append(entry)
    return doc, str(activity["id"]), notes


def _render(path: Path, text: str, patch: DealPatch) -> tuple[str, str, list[str]]:
    """The patched file's text, the activity's id and the merge notes; validated as a Deal."""
    is_json = path.suffix == ".json"
    yaml = _yaml()
    doc = json.loads(text) if is_json else yaml.load(text)
    if not isinstance(doc, dict) or doc.get("id") != patch.deal_id:
        raise InvalidInput(
            f"the file does not hold deal '{patch.deal_id}'",
            where=str(path),
            fix="Apply the patch to the deal it was made for",
        )
    doc, activity_id, notes = _patched(doc, patch, str(path))
    if is_json:
        out = json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"
        plain = json.loads(out)
    else:
        buffer = io.StringIO()
        yaml.dump(doc, buffer)
        out = buffer.getvalue()
        plain = YAML(typ="safe").load(out)
    try:
        Deal.model_validate(plain)
    except ValidationError as exc:
        raise InvalidInput(
            f"the patched deal would be invalid: {describe_validation_error(exc.errors())}",
            where=str(path),
            fix="Nothing was written; correct the deal file or the patch",
        ) from None
    return out, activity_id, notes


def _diff(path: Path, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{path.name} (now)",
        tofile=f"{path.name} (patched)",
    )
    return "".join(lines)


def preview_patch(path: Path, patch: DealPatch) -> Applied:
    """What applying would change, without writing (the duplicate guard applies)."""
    text = path.read_text(encoding="utf-8")
    out, activity_id, notes = _render(path, text, patch)
    return Applied(_diff(path, text, out), activity_id, notes=notes)


def apply_patch(
    path: Path,
    patch: DealPatch,
    read_version: str | None = None,
    before_write: Callable[[Applied], None] | None = None,
    policy: OutputPolicy = STRICT,
) -> Applied:
    """Apply under the deal file's lock, to the file as it is now. `read_version` is
    `agent.files.version(path)` taken when the analysis read the deal: when it differs, another
    writer changed the file since, and the result says the patch was merged. `before_write`
    sees the diff while the lock is held, before the file is replaced (to show it)."""
    patch = clean(patch, policy)
    try:
        lock = lock_for(path).acquire()
    except Timeout:
        raise InvalidInput(
            "another process has been writing this deal for over a minute",
            where=str(path),
            fix="Nothing was changed; apply again when it has finished",
        ) from None
    with lock:
        text = path.read_text(encoding="utf-8")
        merged = read_version is not None and version(path) != read_version
        out, activity_id, notes = _render(path, text, patch)
        applied = Applied(_diff(path, text, out), activity_id, merged, notes)
        if before_write is not None:
            before_write(applied)
        write_atomic(path, out)
    return applied
