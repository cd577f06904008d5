"""The copilot in a browser: one static page (HTML, CSS, a small vanilla-JS file) shipped
with the package and served by the app at `/app/`, with `/` sending there.

No build step and nothing fetched from the internet: the page talks only to the service's own
routes (deals, chat over Server-Sent Events, citations, the live WebSocket), so what it shows
is scoped by the same API key as any other client.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from agent.interfaces.http.config import ServerSettings
from agent.interfaces.http.deps import Tenants

STATIC = Path(__file__).parent / "static"
PATH = "/app"
router = APIRouter(include_in_schema=False)


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse(f"{PATH}/")


def page(settings: ServerSettings, tenants: Tenants) -> ASGIApp:
    """The static files; they hold no data, so they need no key (the API calls do)."""
    return StaticFiles(directory=STATIC, html=True)
