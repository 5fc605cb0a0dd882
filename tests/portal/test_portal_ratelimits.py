"""Rate limits: each door answers 429 with a page that says what happened, past its limit."""
import pytest

from customers.models import Role
from customers.views import RATES
from tests.conftest import make_user


def attempt(client, username, password, address):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_login_attempt_after_the_limit_of_failures_gets_429(client, db, address, unique, settings):
    settings.RATE_LIMITS = {"login": (("post:username", "5/m"), ("ip", "20/m"))}
    make_user(unique, Role.CUSTOMER)  # a name of its own: counters outlive the test database
    for _ in range(5):
        assert attempt(client, unique, "wrong", address).status_code == 200
    response = attempt(client, unique, "pw-" + unique, address)  # even the right password, this minute
    assert response.status_code == 429
    assert b'data-testid="too-many"' in response.content


def test_successful_logins_do_not_count_towards_the_limit(client, customer_reza, address, settings):
    settings.RATE_LIMITS = {"login": (("post:username", "2/m"), ("ip", "20/m"))}
    for _ in range(4):
        assert attempt(client, "reza", "pw-reza", address).status_code == 302
        client.logout()


def test_guessing_many_usernames_from_one_address_gets_429(client, db, address, unique, settings):
    settings.RATE_LIMITS = {"login": (("post:username", "5/m"), ("ip", "3/m"))}
    for n in range(3):
        assert attempt(client, f"{unique}-{n}", "x", address).status_code == 200
    assert attempt(client, f"{unique}-new", "x", address).status_code == 429


def test_password_reset_requests_are_limited(client, db, address, unique, settings):
    settings.RATE_LIMITS = {"password_reset": (("post:email", "10/m"), ("ip", "2/m"))}
    for n in range(2):
        assert client.post("/password/reset/", {"email": f"{unique}{n}@x.example"}, REMOTE_ADDR=address).status_code == 302
    assert client.post("/password/reset/", {"email": f"{unique}@x.example"}, REMOTE_ADDR=address).status_code == 429


def test_registration_is_limited(client, address, org_a, settings):
    settings.RATE_LIMITS = {"register": (("ip", "2/m"),)}
    for _ in range(2):
        assert client.post("/portal/register/", {"name": "x", "email": "x@nowhere.example", "language": "en"},
                           REMOTE_ADDR=address).status_code == 400
    assert client.post("/portal/register/", {"name": "x", "email": "x@nowhere.example", "language": "en"},
                       REMOTE_ADDR=address).status_code == 429


def test_ticket_submission_is_limited(client, customer_reza, settings):
    settings.RATE_LIMITS = {"submit": (("user", "2/m"),)}
    client.force_login(customer_reza)
    # the counter is per user; reza's id repeats across test runs, so start from whatever it holds
    codes = [client.post("/portal/new/", {"subject": "", "body": ""}).status_code for _ in range(4)]
    assert codes[-1] == 429 and set(codes) <= {400, 429}


@pytest.mark.parametrize("group", sorted(RATES))
def test_every_door_has_a_limit_by_default(group):
    assert RATES[group] and all(rate.endswith("/m") for _key, rate in RATES[group])
