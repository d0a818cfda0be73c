"""Domain errors: what went wrong, in words, with no HTTP in them.

Translated once, in web/errors.py: a page for the web, JSON under /api.
"""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Conflict(DomainError):
    code = "conflict"


class Invalid(DomainError):
    """Input that breaks a rule; ``fields`` maps field names to messages."""

    code = "invalid"


class Throttled(DomainError):
    """Too many attempts; ``retry_after`` is in seconds."""

    code = "throttled"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
