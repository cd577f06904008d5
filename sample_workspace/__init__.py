"""The sample workspace: 14 fictional deals of Brightwell Systems (workspace.yaml, org/, deals/).

A package only so that the wheel ships it and `agent.resources.sample_workspace()` finds it
through importlib.resources wherever the code is installed. The workspace reader ignores this
file; a copy of the folder is a workspace with or without it.
"""
