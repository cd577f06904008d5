"""The sanitiser's shortcut (Cleaner.model with the check's walk, Cleaner.flat for citations)
returns a value unchanged without walking it when there is nothing to clean: the same value
the sanitiser's walk gives, whatever the result holds."""

from __future__ import annotations

import typing
from functools import partial
from typing import Any

from pydantic import BaseModel

from agent.analysis import analyze_deal
from agent.capabilities.next_best_action.build import recommend
from agent.contracts.response import _RESULTS
from agent.grounding.draft_values import texts_and_width
from agent.sanitise import STRICT, Cleaner, OutputPolicy, clean
from knowledge.plays import load_plays
from tests.factories import AS_OF, make_context


def _result() -> Any:
    ctx = make_context()
    return recommend(ctx, analyze_deal(ctx, AS_OF), load_plays())


def _cleaned(result: Any, policy: OutputPolicy) -> Any:
    """As the envelope cleans a result: the check's walk tells what there is to clean (a
    cleaner of its own, so nothing was found clean before)."""
    return Cleaner(policy).model(result, partial(texts_and_width, result))


def test_a_clean_result_is_returned_as_it_is_and_a_dirty_one_is_cleaned() -> None:
    result = _result()
    assert _cleaned(result, STRICT) is result is clean(result, STRICT)
    dirty = result.model_copy(
        update={"primary": result.primary.model_copy(update={"title": "Call\u200b <b>now</b>"})}
    )
    cleaned = _cleaned(dirty, STRICT)
    assert cleaned is not dirty and cleaned == clean(dirty, STRICT)
    assert "\u200b" not in cleaned.primary.title


def test_a_result_with_more_entries_than_the_policy_keeps_is_cut() -> None:
    result = _result()
    narrow = OutputPolicy(max_items=2)
    assert _cleaned(result, narrow) == clean(result, narrow)
    assert _cleaned(result, narrow) is not result


def _models(tp: Any, seen: set[type[BaseModel]]) -> None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return
        seen.add(tp)
        for field in tp.model_fields.values():
            _models(field.annotation, seen)
    for arg in typing.get_args(tp):
        _models(arg, seen)


def test_every_string_of_a_result_is_in_its_json_form() -> None:
    """What the shortcut relies on: no result field is left out of the JSON form or written
    there by a serializer of its own."""
    seen: set[type[BaseModel]] = set()
    for model in _RESULTS:
        _models(model, seen)
    assert len(seen) > len(_RESULTS)
    for model in seen:
        decorators = model.__pydantic_decorators__
        assert not decorators.field_serializers and not decorators.model_serializers, model
        for name, field in model.model_fields.items():
            assert not field.exclude, f"{model.__name__}.{name}"


def test_citations_are_returned_as_they_are_only_when_every_string_is_clean() -> None:
    from agent.contracts.response import Citation

    def _cleaned_flat(models: list[Citation], policy: OutputPolicy) -> list[Citation]:
        return Cleaner(policy).flat(models)

    citations = [
        Citation(ref=f"deal.activities[{i}]", kind="input", excerpt=f"Call {i} held")
        for i in range(3)
    ]
    assert _cleaned_flat(citations, STRICT) is citations
    dirty = [*citations[:2], citations[2].model_copy(update={"excerpt": "see <b>this</b>\u200b"})]
    cleaned = _cleaned_flat(dirty, STRICT)
    assert cleaned is not dirty and cleaned == clean(dirty, STRICT)
    assert "\u200b" not in cleaned[2].excerpt
    narrow = OutputPolicy(max_items=2)
    assert _cleaned_flat(citations, narrow) == clean(citations, narrow)
    assert len(_cleaned_flat(citations, narrow)) == 2
