"""The dashboard runs a fixed number of queries, whatever the number of tickets."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.manager.conftest import make

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_dashboard_queries_do_not_grow_with_tickets(client, manager_maryam, customer_reza, support_team, agent_ali,
                                                    dataset, django_assert_max_num_queries):
    client.force_login(manager_maryam)
    few = count(client, "/manager/")
    for i in range(25):
        make(customer_reza.contact, days_ago=i % 20, status="closed", team=support_team, assignee=agent_ali, fr=i,
             fr_breached=bool(i % 3), resolved_days_ago=i % 20, res=10 * i, res_breached=False)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = count(client, "/manager/")
    assert many == few


def test_org_report_queries_do_not_grow_with_tickets(client, manager_maryam, customer_reza, dataset,
                                                     django_assert_max_num_queries):
    client.force_login(manager_maryam)
    url = f"/manager/organizations/{customer_reza.contact.organization_id}/"
    few = count(client, url)
    for i in range(20):
        make(customer_reza.contact, days_ago=i, status="open")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert count(client, url) == few
