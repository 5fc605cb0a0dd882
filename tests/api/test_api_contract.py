"""The OpenAPI contract, checked by Schemathesis in-process (WSGI): for every operation, bounded
generated requests as an agent with a token never get a 5xx, and every response (status code,
content type, body) is what the schema says. Runs in `make test` (no marker, ~30 s)."""
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tickets import services
from tickets.models import ApiToken

# Fuzzing, bounded by max_examples below; the exhaustive boundary-value "coverage" phase would
# triple the run time for little more than the fuzzing finds.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_hosts(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI client's host
    # Hundreds of calls from one token in seconds: the throttle has its own test.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "100000/min", "anon": "100000/min"}}


@pytest.fixture
def keep_test_connection():
    """The raw WSGI handler closes the DB connection after each request (request_finished), which
    would end the test's transaction; Django's own test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_hosts, keep_test_connection):
    from helpdesk.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def agent_key(agent_ali, ticket_a, manager_maryam, product):
    """Some data to find: org A's ticket with a public reply (and a file) and a note."""
    services.ticket_reply(ticket_a, actor=agent_ali, body="public",
                          files=[SimpleUploadedFile("a.txt", b"x", content_type="text/plain")])
    services.ticket_note(ticket_a, actor=agent_ali, body="note")
    return ApiToken.issue(agent_ali, "schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, agent_key):
    if case.path == "/api/v1/tracker/webhook":
        case.headers = {**(case.headers or {}), "Authorization": "Bearer wrong"}
        case.call_and_validate(checks=CHECKS)
        return
    case.call_and_validate(headers={"Authorization": f"Bearer {agent_key}"}, checks=CHECKS)
