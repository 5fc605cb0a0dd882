"""API test helpers: a client carrying a persona's bearer token."""
import pytest
from rest_framework.test import APIClient

from tickets import webhooks  # noqa: F401  (the receivers, as TicketsConfig.ready connects them)
from tickets.models import ApiToken


def client_with_token(user):
    _token, key = ApiToken.issue(user, "test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.key = key
    return client


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient authenticated with a fresh token of `user`."""
    return client_with_token
