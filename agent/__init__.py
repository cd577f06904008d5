"""The sales coach. `__version__` matches pyproject.toml; the CLI prefers the installed
distribution's metadata (importlib.metadata) and falls back to this for a bare checkout."""

__version__ = "0.1.0"
