"""The injection suite: cases (generated from payloads x carriers), the runner, the report."""
