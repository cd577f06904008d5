"""`coach serve`: the HTTP API (FastAPI on uvicorn). `create_app(settings)` builds the app."""
