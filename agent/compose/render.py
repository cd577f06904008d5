"""Template rendering of typed results: the offline composer, and a fallback for the model one."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.capabilities.registry import registry, template_folders
from agent.contracts.response import Citation
from agent.formatting import hours, human, money, pct, signed_pct


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
    )
    env.globals.update(pct=pct, signed_pct=signed_pct, money=money, human=human, hours=hours)
    return env


CAPABILITIES = Path(__file__).resolve().parent.parent / "capabilities"


@lru_cache(maxsize=1)
def boilerplate() -> str:
    """The agent's own fixed wording (templates and the capabilities' coaching rules): text
    the checker may accept in output because no model and no input supplied it."""
    files = [
        *sorted(c.folder / "template.md.j2" for c in registry().values() if c.draft),
        *sorted(CAPABILITIES.rglob("*.py")),
    ]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def render(template: str, citations: list[Citation], **values: Any) -> str:
    numbers = {c.ref: i for i, c in enumerate(citations, start=1)}

    def cite(refs: list[str]) -> str:
        marks = sorted({numbers[r] for r in refs if r in numbers})
        return (" " + "".join(f"[{n}]" for n in marks)) if marks else ""

    text = environment().get_template(template).render(citations=citations, cite=cite, **values)
    return text.strip() + "\n"
