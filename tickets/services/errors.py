from django.core.exceptions import ValidationError


class TicketError(ValidationError):
    """Invalid input to a ticket service; nothing was changed. The message is for the user."""


class ConflictError(TicketError):
    """Somebody else changed the ticket since the form was loaded; nothing was changed."""

    def __init__(self, message, changes=()):
        super().__init__(message)
        self.changes = list(changes)
