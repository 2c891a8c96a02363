"""One HTTP request on its way out, kept apart from the transport so that building one imports no HTTP stack."""

from __future__ import annotations


class Request:
    """One HTTP request on its way out: built from a declaration, addressed and authenticated by the client."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"Request({self.method} {self.url})"
