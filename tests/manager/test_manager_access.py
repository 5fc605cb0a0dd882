"""Who sees the manager's pages and the organisation's report, and that figures link to their tickets."""
import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["agent_ali", "customer_reza", "outsider_olga"])
def test_dashboard_and_exports_are_404_for_everyone_but_managers(client, request, persona, dataset):
    client.force_login(request.getfixturevalue(persona))
    for url in ("/manager/", "/manager/export/tickets.csv", "/manager/export/sla.xlsx",
                f"/manager/organizations/{dataset['res_a'].organization_id}/"):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/manager/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_manager_sees_every_panel_with_a_chart_script_and_no_inline_script(client, manager_maryam, dataset):
    client.force_login(manager_maryam)
    html = client.get("/manager/").content.decode()
    for panel in ("backlog", "sla", "breaches", "times", "flow", "by_channel", "by_type", "by_product",
                  "by_organization", "agents", "referrals", "satisfaction", "deflection"):
        assert f'data-testid="panel-{panel}"' in html, panel
    assert 'id="chart-flow" type="application/json"' in html and "js/dashboard.js" in html
    # every <script> either loads a file or carries JSON data (the CSP forbids inline code)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_a_figure_links_to_exactly_the_tickets_it_counts(client, manager_maryam, dataset):
    client.force_login(manager_maryam)
    html = client.get("/manager/").content.decode()
    # the "Breached" headline of first responses: two tickets (wait_10d and res_b)
    link = re.search(r'href="(/agent/\?[^"]*first_response_breached=true[^"]*)"', html).group(1)
    queue = client.get(unescape(link)).content.decode()
    numbers = set(re.findall(r'href="/agent/tickets/(\d+)/"', queue))
    assert numbers == {str(dataset["wait_10d"].number), str(dataset["res_b"].number)}


def test_bad_dates_fall_back_with_a_message_not_an_error(client, manager_maryam):
    client.force_login(manager_maryam)
    from django.utils import translation

    response = client.get("/manager/?from=yesterday&to=۱۴۰۵/۱۳/۴۰")
    assert response.status_code == 200
    # the messages in the page's language (the Persian catalogue translates them)
    with translation.override(response.headers.get("Content-Language", "fa")):
        messages = [translation.gettext("The end date is not a date; showing up to today."),
                    translation.gettext("The start date is not a date; showing the last 30 days.")]
    html = response.content.decode()
    assert all(m in html for m in messages), messages


def test_org_admin_sees_their_own_organisation_report_in_the_portal(client, customer_reza, dataset):
    contact = customer_reza.contact
    contact.is_org_admin = True
    contact.save()
    client.force_login(customer_reza)
    html = client.get("/portal/report/?organization=999").content.decode()
    assert "Pars Software" in html and "Olga Trading" not in html
    assert "/agent/" not in html  # customers get no links into the agent side
    assert f"/portal/tickets/{dataset['open_2d'].number}/" in html


@pytest.mark.parametrize("persona", ["colleague_nika", "outsider_olga", "agent_ali", "manager_maryam"])
def test_portal_report_is_404_for_anyone_but_an_org_admin(client, request, persona, dataset):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/portal/report/").status_code == 404


def test_outsider_admin_sees_only_her_own_organisation(client, outsider_olga, dataset):
    contact = outsider_olga.contact
    contact.is_org_admin = True
    contact.save()
    client.force_login(outsider_olga)
    html = client.get(f"/portal/report/?organization={dataset['open_2d'].organization_id}").content.decode()
    assert "Olga Trading" in html and "Pars Software" not in html
    assert str(dataset["open_2d"].number) not in html


def test_manager_org_report_counts_requests_by_class_and_is_printable(client, manager_maryam, dataset):
    client.force_login(manager_maryam)
    html = client.get(f"/manager/organizations/{dataset['open_2d'].organization_id}/").content.decode()
    assert 'data-testid="panel-classes"' in html and 'data-testid="panel-open_items"' in html
    assert 'href="/static/css/print.css" media="print"' in html
    assert "Olga Trading" not in html
