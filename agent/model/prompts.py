"""Prompt templates live in prompts/<name>.md, one per purpose, with `## system` and `## user`
sections. Variables are filled with Jinja; untrusted text only ever arrives as a variable,
fenced in the template, never as template source."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

from agent.errors import InvalidInput
from agent.resources import prompts_dir

PROMPTS_DIR = prompts_dir()
_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


@lru_cache(maxsize=32)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> ChatPromptTemplate:
    path = folder / f"{name}.md"
    if not path.is_file():
        raise InvalidInput(f"no prompt '{name}'", where=str(folder))
    text = path.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    messages = [(role, body.strip()) for role, body in zip(parts[1::2], parts[2::2], strict=True)]
    if [role for role, _ in messages] != ["system", "user"]:
        raise InvalidInput("a prompt needs a '## system' then a '## user' section", where=str(path))
    return ChatPromptTemplate.from_messages(messages, template_format="jinja2")


def prompt_exists(name: str, folder: Path = PROMPTS_DIR) -> bool:
    return (folder / f"{name}.md").is_file()
