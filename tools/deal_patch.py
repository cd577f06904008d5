"""Apply a debrief's proposed patch to a workspace deal file: append the call as an activity,
move contacts' last-contact dates, add new competitors, set the agreed next step, and move the
stage on when the debrief found its exit criteria met.

YAML files are edited round-trip (ruamel.yaml), so comments, key order and formatting the user
wrote survive; JSON files are rewritten as JSON. The patched document is validated as a Deal
before anything is written, and written atomically (a temporary file, then a rename), so a
failure leaves the file as it was. A patch whose activity id is already in the file is refused:
applying twice must not log the call twice.
"""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq

from agent.capabilities.post_call_analysis.contract import DealPatch
from agent.contracts.deal import Deal
from agent.errors import InvalidInput, describe_validation_error


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True  # one date used twice stays a date
    return yaml


def _patched(doc: Any, patch: DealPatch, where: str) -> Any:
    activities = doc.setdefault("activities", [])
    new = patch.add_activity
    for a in activities:
        if a.get("id") == new.id or patch.marker in str(a.get("summary", "")):
            raise InvalidInput(
                f"this call is already in the deal as activity '{a.get('id')}'",
                where=where,
                fix="Nothing was changed; edit that activity by hand to correct it",
            )
    activity = new.model_dump(mode="python", exclude_none=True)
    participants = CommentedSeq(activity["participants"])
    participants.fa.set_flow_style()  # as the sample records write them: [a, b]
    activity["participants"] = participants
    activities.append(activity)
    dates = {u.contact_id: u.last_contact for u in patch.contact_updates}
    for contact in doc.get("contacts", []):
        if contact.get("id") in dates:
            contact["last_contact"] = dates[contact["id"]]
    if patch.add_competitors:
        doc.setdefault("competitors", []).extend(patch.add_competitors)
    if patch.next_step is not None:
        doc["next_step"] = patch.next_step
        doc["next_step_date"] = patch.next_step_date
    if patch.advance_stage_to is not None:
        doc["stage"] = patch.advance_stage_to
        entry = {"stage": patch.advance_stage_to, "entered": new.date}
        doc.setdefault("stage_history", []).append(entry)
    return doc


def apply_patch(path: Path, patch: DealPatch) -> None:
    is_json = path.suffix == ".json"
    text = path.read_text(encoding="utf-8")
    yaml = _yaml()
    doc = json.loads(text) if is_json else yaml.load(text)
    if not isinstance(doc, dict) or doc.get("id") != patch.deal_id:
        raise InvalidInput(
            f"the file does not hold deal '{patch.deal_id}'",
            where=str(path),
            fix="Apply the patch to the deal it was made for",
        )
    doc = _patched(doc, patch, str(path))
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(out)
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # mkstemp makes it owner-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
