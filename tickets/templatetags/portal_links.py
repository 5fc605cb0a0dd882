"""Links that carry a signature, for email templates (the mail code passes only the ticket)."""
from django import template

register = template.Library()


@register.simple_tag
def rating_link(ticket):
    """The signed, login-free rating link of the resolution email."""
    from tickets.services.ratings import rating_link as build

    return build(ticket)
