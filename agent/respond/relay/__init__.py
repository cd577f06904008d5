"""The relay: delivers the outbox's events to each downstream consumer's webhook, signed, at
least once, resuming from a cursor per consumer (README "Delivery to downstream agents")."""
