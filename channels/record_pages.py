"""The Rasa server's pages for charts and decision records (actions/records.py stores them), served by
an input channel with no messages (`RecordPages`, named in credentials.yml), as the chat page is.

- GET /charts/<token>.png: a chart; cached by content (ETag = its sha256, immutable).
- GET /records/<token>: the printable decision record (web/record.html, with a print stylesheet).
- GET /records/<token>.md: the same record as a Markdown download.

Only whoever holds a link can open it: tokens are random, unknown tokens get 404, and the pages ask
browsers and proxies not to keep or pass the address on (no-store, no-referrer, noindex).
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from typing import Any

import markdown
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import records
from advisor.paths import WEB_DIR

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
TEMPLATES = Environment(loader=FileSystemLoader(WEB_DIR), autoescape=select_autoescape(["html"]))
PRIVATE = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
}


def not_found() -> HTTPResponse:
    return response.text("Not found", status=404, headers=PRIVATE)


def absolute_links(text: str, request: Request) -> str:
    """The record's server-relative chart links made absolute, for a file read away from the server."""
    return text.replace("](/charts/", f"]({request.scheme}://{request.host}/charts/")


def record_html(record: records.StoredRecord, download_name: str) -> str:
    """The record page: the stored Markdown as HTML (its text escaped first), in web/record.html."""
    body = markdown.markdown(html.escape(record.markdown, quote=False), extensions=["sane_lists"])
    return TEMPLATES.get_template("record.html").render(body=body, download=download_name, created=record.created_at)


class RecordPages(InputChannel):
    """`GET /charts/...` and `GET /records/...` on the Rasa server (no messages come in here)."""

    @classmethod
    def name(cls) -> str:
        return "records"

    def url_prefix(self) -> str:
        # Rasa joins this to "/webhooks/"; "/" puts the pages at the site's /charts/ and /records/.
        return "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        pages = Blueprint("record_pages")

        @pages.get("/charts/<name>")
        async def chart(request: Request, name: str) -> HTTPResponse:
            token = name.removesuffix(".png")
            stored = records.load_chart(token) if name.endswith(".png") and TOKEN.fullmatch(token) else None
            if stored is None:
                return not_found()
            etag = f'"{stored.digest}"'
            headers = {
                "ETag": etag,
                "Cache-Control": "private, max-age=31536000, immutable",
                "Referrer-Policy": "no-referrer",
                "X-Robots-Tag": "noindex",
            }
            if request.headers.get("if-none-match") == etag:
                return response.empty(status=304, headers=headers)
            return response.raw(stored.png, content_type="image/png", headers=headers)

        @pages.get("/records/<name>")
        async def record(request: Request, name: str) -> HTTPResponse:
            token = name.removesuffix(".md")
            stored = records.load_record(token) if TOKEN.fullmatch(token) else None
            if stored is None:
                return not_found()
            filename = f"decision-record-{stored.created_at:%Y-%m-%d}.md"
            if name.endswith(".md"):
                return response.text(
                    absolute_links(stored.markdown, request),
                    content_type="text/markdown; charset=utf-8",
                    headers={**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'},
                )
            return response.html(record_html(stored, f"{token}.md"), headers=PRIVATE)

        return pages
