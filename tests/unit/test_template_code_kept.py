"""A template's compiled code is kept in the user's cache folder (agent/compose/render.py), so a
process that renders one loads it instead of compiling it; a folder that cannot be written
only means compiling again, and the rendered text is the same either way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment

from agent.compose import render

TEMPLATE = "next_best_action/template.md.j2"


@pytest.fixture(autouse=True)
def _fresh_environment() -> Iterator[None]:
    render.environment.cache_clear()
    yield
    render.environment.cache_clear()


def _kept(cache: Path) -> list[Path]:
    return sorted((cache / "sales-coach" / "templates").glob("*/__jinja2_*"))


def test_a_second_process_loads_the_compiled_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = render.environment().get_template(TEMPLATE)
    assert len(_kept(tmp_path)) == 1
    render.environment.cache_clear()  # as a new process: nothing compiled in memory

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("the kept code was not used")

    monkeypatch.setattr(Environment, "compile", no_compiling)
    again = render.environment().get_template(TEMPLATE)
    assert again.filename == first.filename
    assert again.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code


def test_a_damaged_or_unwritable_cache_only_means_compiling_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = render.environment().get_template(TEMPLATE).root_render_func.__code__.co_code
    (kept,) = _kept(tmp_path)
    kept.write_bytes(kept.read_bytes()[:20])  # cut short after jinja's magic
    render.environment.cache_clear()
    again = render.environment().get_template(TEMPLATE)
    assert again.root_render_func.__code__.co_code == expected
    assert kept.stat().st_size > 20  # compiled again and written over

    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # no folder can be made under it
    render.environment.cache_clear()
    assert render.environment().bytecode_cache is None
    assert render.environment().get_template(TEMPLATE).root_render_func.__code__.co_code == (
        expected
    )
