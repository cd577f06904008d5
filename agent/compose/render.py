"""Template rendering of typed results: the offline composer, and a fallback for the model one."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from agent.capabilities.registry import template_folders
from agent.contracts.response import Citation
from agent.formatting import chance, hours, human, money, pct, signed_pct
from agent.sanitise import STRICT, OutputPolicy, cleaner

POLICY = "_output_policy"  # the render's policy's cleaner, in the template's context


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    """Every value a template writes passes the sanitiser; the template's own text is trusted."""
    return (context.get(POLICY) or cleaner(STRICT))(value) if isinstance(value, str) else value


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Templates are named '<capability>/template.md.j2', each in its capability's folder."""
    env = Environment(
        loader=FileSystemLoader(template_folders()),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_finalize,
    )
    env.globals.update(
        pct=pct, chance=chance, signed_pct=signed_pct, money=money, human=human, hours=hours
    )
    return env


def render(
    template: str, citations: list[Citation], policy: OutputPolicy = STRICT, **values: Any
) -> str:
    """The markdown for a result: the one render path, so the one place values are sanitised
    on their way to a reader (`policy` says which links may stay)."""
    values[POLICY] = cleaner(policy)
    numbers = {c.ref: i for i, c in enumerate(citations, start=1)}

    def cite(refs: list[str]) -> str:
        marks = sorted({numbers[r] for r in refs if r in numbers})
        return (" " + "".join(f"[{n}]" for n in marks)) if marks else ""

    text = environment().get_template(template).render(citations=citations, cite=cite, **values)
    return text.strip() + "\n"
