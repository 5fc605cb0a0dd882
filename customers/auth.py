"""Django's model backend, loading a customer's contact and organisation with the user.

Every portal page needs the contact (whose tickets may be seen) and its organisation (named on the
page); in the user's query they cost a join instead of a query of their own on each request. The
join is LEFT: a staff login gets no contact, cached as None, so asking for it costs nothing either.
"""
from django.contrib.auth import backends

from customers.models import User


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("contact__organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
