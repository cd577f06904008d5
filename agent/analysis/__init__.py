"""Deal analysis is code: deterministic functions over typed inputs, no model involved."""

from agent.analysis.analyze import analyze_deal
from agent.analysis.model import Analysis, Signal

__all__ = ["Analysis", "Signal", "analyze_deal"]
