"""Who may call the API: staff (the agent UI's reach) and customers with a contact (the portal's).

These only decide the audience; what an audience may see is decided by the selectors, and
what it may change by the services, exactly as in the UI.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from customers import roles


def is_staff(request) -> bool:
    return roles.is_staff_user(request.user)


class IsStaffOrCustomer(BasePermission):
    message = _("This account may not use the API.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (roles.is_staff_user(user) or roles.customer_contact(user)))


class IsStaff(BasePermission):
    message = _("Only support staff may do this.")

    def has_permission(self, request, view):
        return roles.is_staff_user(request.user)
