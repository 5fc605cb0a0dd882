"""Personas (DESIGN.md §2.6) and shared fixtures.

agent_ali (support team), agent_sara (development-liaison team), manager_maryam,
customer_reza (org A, "Pars Software"), outsider_olga (org B): she must see nothing of org A.
"""
import os

import pytest
from django.conf import settings

from customers.models import Contact, Organization, Product, Role, User
from tickets.models import Team

REQUIRE_ALL = os.environ.get("POSHTIBAN_REQUIRE_ALL") == "1"


def pytest_configure(config):
    # Real hashing costs ~0.3 s per password; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = os.path.join(settings.VAR_DIR, "test-media")
    # Pages render from the source static dirs; the manifest build has its own test.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def pytest_collection_modifyitems(config, items):
    """Browser tests and the worker-kill test run one after another on one xdist worker (the
    Makefile passes --dist loadgroup): the kill test keeps a Celery worker busy on both cores,
    and beside it a browser step now and then waited past its timeout for the server."""
    for item in items:
        if item.get_closest_marker("browser") or item.module.__name__.endswith("test_email_worker_kill"):
            item.add_marker(pytest.mark.xdist_group("heavy"))


def skip_or_fail(reason):
    """Skip loudly on a developer machine; in CI (POSHTIBAN_REQUIRE_ALL=1) nothing may skip."""
    if REQUIRE_ALL:
        pytest.fail(f"required but unavailable: {reason}")
    pytest.skip(reason)


def make_user(username, role, **extra):
    user = User.objects.create_user(username=username, password="pw-" + username, role=role,
                                    email=extra.pop("email", f"{username}@example.test"), **extra)
    return user


@pytest.fixture(autouse=True)
def sla_presets(request):
    """The presets of migration 0003; transactional tests flush them, so put them back."""
    if "transactional_db" in request.fixturenames or request.node.get_closest_marker("django_db") and \
            request.node.get_closest_marker("django_db").kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from customers.presets import ensure_presets_now

        ensure_presets_now()


@pytest.fixture
def org_a(db):
    return Organization.objects.create(name="Pars Software", email_domains=["pars.example"])


@pytest.fixture
def org_b(db):
    return Organization.objects.create(name="Olga Trading", email_domains=["olga.example"])


@pytest.fixture
def product(db):
    return Product.objects.create(name="Hesab Accounting", code="hesab")


@pytest.fixture
def support_team(db):
    return Team.objects.create(name="Support")


@pytest.fixture
def dev_team(db):
    return Team.objects.create(name="Development liaison")


@pytest.fixture
def agent_ali(support_team):
    user = make_user("ali", Role.AGENT, first_name="Ali", last_name="Rahimi", language="fa")
    support_team.members.add(user)
    return user


@pytest.fixture
def agent_sara(dev_team):
    user = make_user("sara", Role.AGENT, first_name="Sara", last_name="Karimi", language="en")
    dev_team.members.add(user)
    return user


@pytest.fixture
def manager_maryam(db):
    return make_user("maryam", Role.MANAGER, first_name="Maryam", last_name="Ahmadi")


@pytest.fixture
def customer_reza(org_a):
    user = make_user("reza", Role.CUSTOMER, email="reza@pars.example")
    Contact.objects.create(organization=org_a, user=user, name="Reza Tehrani", email="reza@pars.example")
    return user


@pytest.fixture
def colleague_nika(org_a):
    """Another contact of org A, not an org admin: sees only her own tickets."""
    user = make_user("nika", Role.CUSTOMER, email="nika@pars.example")
    Contact.objects.create(organization=org_a, user=user, name="Nika Moradi", email="nika@pars.example")
    return user


@pytest.fixture
def outsider_olga(org_b):
    user = make_user("olga", Role.CUSTOMER, email="olga@olga.example", language="en")
    Contact.objects.create(organization=org_b, user=user, name="Olga Ivanova", email="olga@olga.example", language="en")
    return user


@pytest.fixture
def ticket_a(customer_reza, agent_ali, support_team):
    """An open ticket of org A in the support team, opened by Reza in the portal."""
    from tickets.services import ticket_create

    return ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="Invoice print fails",
                         body="Printing an invoice shows error 500.", team=support_team)


@pytest.fixture
def client_for(client):
    """Log a persona in: client_for(user) -> the test client as that user."""
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def english_messages_for_direct_calls():
    """Service errors raised outside a request speak English in assertions; pages still
    negotiate their own language through the middleware."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_sla_terms():
    """Each test's SLA terms are its own: a rolled-back change must not linger in the process cache."""
    from tickets.services import deadlines

    deadlines._CACHE.clear()
    yield
    deadlines._CACHE.clear()


# One Playwright session for the whole run, shared by every module that drives Chromium.
from tests.browser_support import chromium, page  # noqa: E402,F401


@pytest.fixture(autouse=True)
def own_cache_namespace():
    """Every test gets its own cache keys in the shared Redis: cached counts and choices keyed by
    database ids (which every test reuses) must not leak from one test into another, or between
    xdist workers."""
    import uuid

    from django.core.cache import caches

    cache = caches["default"]
    old = cache.key_prefix
    cache.key_prefix = f"t-{uuid.uuid4().hex[:12]}"
    yield
    cache.key_prefix = old
