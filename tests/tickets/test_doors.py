"""Each role has its own door; nobody walks through another's."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_served_in_persian_by_default(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="fa"' in response.text and 'dir="rtl"' in response.text
    assert "bootstrap.rtl.min.css" in response.text


def test_anonymous_home_goes_to_login(client):
    assert client.get("/").url == reverse("login")


@pytest.mark.parametrize("persona,home", [
    ("agent_ali", "/agent/"), ("manager_maryam", "/manager/"), ("customer_reza", "/portal/"),
])
def test_each_persona_lands_on_its_own_home(request, client, persona, home):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


def test_password_login_reaches_the_agent_queue(client, agent_ali):
    response = client.post("/login/", {"username": "ali", "password": "pw-ali"}, follow=True)
    assert response.redirect_chain[-1][0] == "/agent/"


def test_customer_does_not_see_the_agent_workspace_or_dashboard(client, customer_reza, ticket_a):
    client.force_login(customer_reza)
    assert client.get("/agent/").status_code == 404
    assert client.get(f"/agent/tickets/{ticket_a.number}/").status_code == 404
    assert client.get("/manager/").status_code == 404


def test_agent_is_not_a_manager(client, agent_ali):
    client.force_login(agent_ali)
    assert client.get("/manager/").status_code == 404


def test_agent_has_no_portal(client, agent_ali):
    client.force_login(agent_ali)
    assert client.get("/portal/").status_code == 404


def test_language_switch_is_remembered_on_the_profile(client, agent_ali):
    client.force_login(agent_ali)
    client.post("/language/", {"language": "en", "next": "/agent/"})
    agent_ali.refresh_from_db()
    assert agent_ali.language == "en"
    response = client.get("/agent/")
    assert 'lang="en"' in response.text and 'dir="ltr"' in response.text


def test_pages_send_a_content_security_policy_that_allows_no_other_host(client):
    csp = client.get("/login/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp


def test_no_page_loads_assets_from_another_host(client, agent_ali, ticket_a):
    client.force_login(agent_ali)
    for url in ("/login/", "/agent/", f"/agent/tickets/{ticket_a.number}/"):
        html = client.get(url).text
        assert "//cdn" not in html and 'src="http' not in html and 'href="http' not in html


def test_healthz_checks_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_queue_tabs_speak_the_agents_language(client, agent_ali, agent_sara):
    client.force_login(agent_sara)  # English
    assert "All open" in client.get("/agent/").text
    client.force_login(agent_ali)  # Persian
    html = client.get("/agent/").text
    assert "All open" not in html and "همه" in html
