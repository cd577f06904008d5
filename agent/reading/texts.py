"""Every free text a deal carries, with the input path it sits at.

Read generically from the contracts, so a new upstream field is read without code here: every
string of at least a few words anywhere in the deal context (notes, activity summaries and the
CRM's own outcome words, next steps, contact notes, upstream agents' prose, transcript lines).
Identifiers, names, enumerations and dates are not free text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial

from pydantic import BaseModel

from agent.contracts.context import DealContext
from agent.memo import PerObject
from agent.model.injection import Suspect, passages_to_withhold, suspects

MIN_WORDS = 2
# Fields that hold names or labels, not prose, wherever they appear.
LABELS = frozenset(
    {"id", "name", "title", "email", "currency", "stage", "owner", "author", "website", "role"}
)


@dataclass(frozen=True)
class Text:
    ref: str
    text: str
    date_ref: str | None = None  # where its date is, when it has one (a note, an activity)


def _walk(node: object, path: str, every: bool = False) -> list[tuple[str, str]]:
    """(path, string) of every free text under `node` (every string with `every`), depth
    first in field order: one recursive pass that appends to a list (generators nested as
    deep as the model cost a frame per level for every string), skipping scalars before a
    path is made for them."""
    out: list[tuple[str, str]] = []
    _collect(node, path, every, out)
    return out


def _collect(node: object, path: str, every: bool, out: list[tuple[str, str]]) -> None:
    if isinstance(node, str):
        if every or len(node.split()) >= MIN_WORDS or path.endswith(".outcome"):
            out.append((path, node))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, _BRANCHES):
                _collect(item, f"{path}[{i}]", every, out)
    elif isinstance(node, BaseModel):
        for name in _fields(type(node), every):
            value = getattr(node, name)
            if isinstance(value, _BRANCHES):
                _collect(value, f"{path}.{name}" if path else name, every, out)


_BRANCHES = (str, list, BaseModel)  # what can hold a string; numbers, dates and None cannot


@lru_cache(maxsize=1024)
def _fields(model: type[BaseModel], every: bool) -> tuple[str, ...]:
    return tuple(n for n in model.model_fields if every or n not in LABELS)


# Walked once per context object (agent/memo.py): several steps of one request, and every
# request about an unchanged deal, ask for the same texts. Each caller gets its own list. The
# free texts are kept on disk too in a batch run (the deal cache), as plain pairs (pydantic
# builds dataclasses from JSON slowly): a warm answer reads the deal's claims about
# competitors from them, and walking the whole record again for that cost more.
_EVERY: PerObject[tuple[Text, ...]] = PerObject()
_FREE: PerObject[tuple[Text, ...]] = PerObject()
_FREE_PAIRS: PerObject[tuple[tuple[str, str], ...]] = PerObject(
    kept="free_texts", kind=tuple[tuple[str, str], ...]
)
# And once per part of it (the deal, each upstream section, the transcript): a debrief's context
# is the deal's with a new call attached (the same part objects), so a new call walks and scans
# only the call's strings, not the whole record again. In the parts' field order, so the texts
# are the same, in the same order, as one walk of the whole context.
_PARTS: PerObject[tuple[tuple[str, str], ...]] = PerObject(maxsize=512)
_PART_SUSPECTS: PerObject[tuple[Suspect, ...]] = PerObject(maxsize=512)


def _parts(ctx: DealContext, every: bool) -> Iterator[tuple[str, object]]:
    """(field name, value) of the context's fields that can hold a string, in field order."""
    for name in _fields(type(ctx), every):
        value = getattr(ctx, name)
        if isinstance(value, _BRANCHES):
            yield name, value


def _part_strings(name: str, value: object, every: bool) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, BaseModel):  # a string or a list: nothing to keep it with
        return tuple(_walk(value, name, every))
    return _PARTS.get(value, (name, every), lambda: tuple(_walk(value, name, every)))


def _strings(ctx: DealContext, every: bool) -> list[tuple[str, str]]:
    return [item for n, v in _parts(ctx, every) for item in _part_strings(n, v, every)]


def every_string(ctx: DealContext) -> list[Text]:
    """Every string the deal context holds, names and titles included: what injected text
    could hide in."""
    return list(_EVERY.get(ctx, None, lambda: tuple(Text(r, t) for r, t in _strings(ctx, True))))


def suspects_in(ctx: DealContext) -> list[Suspect]:
    """The deal's strings that read like instructions to a model (every string, in the order
    of `every_string`), scanned once per context object and once per part of it: a large deal
    holds tens of thousands of strings, and every request about it (every call debriefed
    against it) would otherwise look each one up again."""
    return list(_SUSPECTS.get(ctx, None, lambda: tuple(_suspects_in(ctx))))


def _suspects_in(ctx: DealContext) -> Iterator[Suspect]:
    for name, value in _parts(ctx, True):
        if isinstance(value, BaseModel):
            yield from _PART_SUSPECTS.get(value, name, partial(_scanned, name, value))
        else:
            yield from _scanned(name, value)


def _scanned(name: str, value: object) -> tuple[Suspect, ...]:
    return tuple(suspects(_part_strings(name, value, True)))


_SUSPECTS: PerObject[tuple[Suspect, ...]] = PerObject(kept="suspects", kind=tuple[Suspect, ...])


def free_texts(ctx: DealContext) -> list[Text]:
    """The deal's free texts in a stable order: the CRM record, then each upstream section,
    then the transcript's lines."""
    return list(_FREE.get(ctx, None, lambda: tuple(Text(r, t) for r, t in _free_pairs(ctx))))


def _free_pairs(ctx: DealContext) -> tuple[tuple[str, str], ...]:
    return _FREE_PAIRS.get(ctx, None, lambda: tuple((t.ref, t.text) for t in _free_texts(ctx)))


def free_text_at(ctx: DealContext) -> Mapping[str, str]:
    """The free texts by ref, built once per context object (not to be changed)."""
    return _BY_REF.get(ctx, None, lambda: {t.ref: t.text for t in free_texts(ctx)})


_BY_REF: PerObject[Mapping[str, str]] = PerObject()


def _free_texts(ctx: DealContext) -> Iterator[Text]:
    for ref, text in _strings(ctx, False):
        if ref.startswith("transcript.") and not ref.endswith(".text"):
            continue  # speaker labels, sources: not what anyone said
        yield Text(ref, text)


# Texts that state something about this deal. The process standard and the analytics describe
# every deal; argumentation holds what we plan to say; battle cards describe a competitor in
# general: none of them is a fact about this deal (all are still scanned for injected text).
NOT_ABOUT_THE_DEAL = ("process", "analytics", "argumentation", "competitive.battle_cards")


def about_the_deal(text: Text) -> bool:
    return not any(
        text.ref == root or text.ref.startswith((root + ".", root + "["))
        for root in NOT_ABOUT_THE_DEAL
    )


def outcome_text(outcome: object) -> str | None:
    """An activity outcome in the CRM's own words, or None for the enumerated values."""
    enumerated = {"positive", "neutral", "negative", "no_show", "pending"}
    return outcome if isinstance(outcome, str) and outcome not in enumerated else None


def flagged_passages(texts: Iterable[Text], refs: Collection[str]) -> frozenset[str]:
    """What an answer must not repeat of the texts at `refs` (those the read step flagged as
    instructions to a model); the rep still finds each text at its place."""
    if not refs:
        return frozenset()
    return frozenset(p for t in texts if t.ref in refs for p in passages_to_withhold(t.text))
