from __future__ import annotations


class ServiceError(Exception):
    """A rule of the program was broken; `message` says what to fix, `field` where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
