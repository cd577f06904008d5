"""One module per capability: each builds a complete, typed draft from analysis and knowledge."""
