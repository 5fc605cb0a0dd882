"""Who may do what, by role. Checked in services and selectors, not only in views."""
from django.core.exceptions import PermissionDenied

from customers.models import Contact, Role, User
from tickets import states

STAFF_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in STAFF_ROLES)


def is_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in (Role.MANAGER, Role.ADMIN))


def customer_contact(user):
    """The Contact behind a customer login, or None."""
    if not (user and user.is_authenticated and user.is_active and user.role == Role.CUSTOMER):
        return None
    descriptor = User.contact  # not type(user): request.user is a lazy proxy
    if not descriptor.is_cached(user):
        # A request's user comes with it (customers/auth.py); any other user gets it here, with
        # its organisation, which every portal page names. None is cached too.
        contact = Contact.objects.select_related("organization").filter(user=user).first()
        descriptor.related.set_cached_value(user, contact)
        if contact is not None:
            Contact.user.field.set_cached_value(contact, user)
    return getattr(user, "contact", None)


def actor_kind(user) -> str:
    """Collapse a user to the actor kinds the status machine knows."""
    if user is None:
        return states.SYSTEM
    if is_staff_user(user):
        return states.AGENT
    if customer_contact(user) is not None:
        return states.CUSTOMER
    raise PermissionDenied("This account may not act on tickets.")


def require_staff(user):
    if not is_staff_user(user):
        raise PermissionDenied("Only support staff may do this.")


def require_manager(user):
    if not is_manager(user):
        raise PermissionDenied("Only managers may do this.")
