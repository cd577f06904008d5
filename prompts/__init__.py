"""The model prompts, one markdown file per purpose (`<name>.md`, `## system` and `## user`).

A package only so that the wheel ships the files and `agent.resources.prompts_dir()` finds them
through importlib.resources wherever the code is installed; there is no code here.
"""
