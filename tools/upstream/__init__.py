"""Upstream agents as services: each configured section is fetched over HTTP instead of read
from the deal's folder (config.py: the file; client.py: retries, breaker, cache; source.py: the
DealSource that overlays fetched sections on the workspace's)."""
