"""The model composer: a model rewrites the prose of a grounded, typed draft, and code keeps
everything it must not change. See enrich.py for the flow."""
