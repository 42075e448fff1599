"""Errors a service raises for a view to show to the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the work was broken. `field` names the form field to show the message on."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist or is outside the user's scope; views answer 404."""

    def __init__(self, what: str = "record") -> None:
        super().__init__(f"No such {what}")


class StaleRecord(DomainError):
    """Someone else saved the record after this form was loaded."""

    def __init__(self, current: object | None = None) -> None:
        super().__init__("This record was changed by someone else")
        self.current = current
