"""Email intake: store first, process once, quarantine what fails, and every door ends the same way."""
import mailbox
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from customers.models import Contact, Organization
from tests.tickets.email_builders import ingest, raw_email
from tickets.models import Attachment, InboundEmail, Message, Ticket
from tickets.services import email_pipeline
from tickets.services.email_intake import email_process, email_receive, email_replay, store_raw

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "emails"
State = InboundEmail.State


def test_new_email_from_a_contact_opens_a_ticket_and_is_acknowledged(customer_reza, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound, created = email_receive(raw_email(), "file")
    inbound.refresh_from_db()
    assert created and inbound.state == State.PROCESSED
    ticket = inbound.ticket
    assert ticket.channel == "email" and ticket.requester == customer_reza.contact
    assert ticket.messages.get().body == "Printing an invoice shows error 500."
    assert inbound.message.email_message_id == inbound.email_message_id
    assert [m.to for m in mail.outbox] == [["reza@pars.example"]]
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_same_message_twice_is_stored_once_and_makes_one_ticket(customer_reza):
    raw = raw_email()
    first, created = store_raw(raw, "imap")
    again, created_again = store_raw(raw, "smtp")
    assert created and not created_again and first.pk == again.pk
    assert email_process(first.pk) == State.PROCESSED
    assert email_process(first.pk) is None  # a re-run of a processed message does nothing
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


def test_a_message_without_message_id_is_deduplicated_by_a_hash_of_its_bytes(customer_reza):
    raw = raw_email().replace(b"Message-ID:", b"X-Old-Message-ID:")
    inbound, _ = store_raw(raw, "file")
    assert inbound.email_message_id.startswith("sha256-")
    assert store_raw(raw, "file") == (inbound, False)
    assert bytes(inbound.raw) == raw


def test_a_crash_mid_way_is_retried_and_never_duplicated(customer_reza, monkeypatch):
    raw = raw_email()
    inbound, _ = store_raw(raw, "imap")
    real = email_pipeline._store_files

    def database_goes_away(*args):  # after the ticket and message rows were written
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(email_pipeline, "_store_files", database_goes_away)
    with pytest.raises(OperationalError):  # the task's autoretry takes it from here
        email_process(inbound.pk)
    inbound.refresh_from_db()
    assert inbound.state == State.STORED and inbound.attempts == 1
    assert not Ticket.objects.exists()  # rolled back with the failed attempt

    monkeypatch.setattr(email_pipeline, "_store_files", real)
    assert email_process(inbound.pk) == State.PROCESSED
    assert email_process(inbound.pk) is None
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1
    inbound.refresh_from_db()
    assert inbound.attempts == 2


def test_a_failure_is_quarantined_with_its_error_and_replayed_by_an_admin(customer_reza, monkeypatch):
    bad, _ = store_raw(raw_email(subject="breaks"), "imap")
    good, _ = store_raw(raw_email(subject="works"), "imap")
    real = email_pipeline._content

    def broken(parsed, inbound):
        if parsed.subject == "breaks":
            raise ValueError("parser bug on this message")
        return real(parsed, inbound)

    monkeypatch.setattr(email_pipeline, "_content", broken)
    assert email_process(bad.pk) == State.QUARANTINED  # never raises out of the task
    good.refresh_from_db()
    assert good.state == State.PROCESSED  # and never blocks the next one, in the same batch
    assert email_process(good.pk) is None
    bad.refresh_from_db()
    assert "ValueError: parser bug on this message" in bad.error and bad.ticket is None
    assert Ticket.objects.count() == 1

    monkeypatch.setattr(email_pipeline, "_content", real)  # the bug is fixed, the admin replays
    assert email_replay(bad.pk) == State.PROCESSED
    assert email_replay(bad.pk) is None  # processed mail is not replayed twice
    assert Ticket.objects.count() == 2


def test_binary_junk_is_quarantined_but_its_bytes_are_kept(db):
    raw = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4
    inbound = ingest(raw)
    assert inbound.state == State.QUARANTINED and "no sender" in inbound.error
    assert bytes(inbound.raw) == raw


def test_oversize_email_is_stored_flagged_and_the_sender_told(customer_reza, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_MAX_BYTES = 2000
    raw = raw_email(attachments=[("big.pdf", "application/pdf", b"%PDF" + b"x" * 5000)])
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw)
    assert inbound.state == State.PROCESSED and inbound.is_oversize
    assert bytes(inbound.raw) == raw
    assert "over the" in inbound.message.body and not inbound.message.attachments.exists()
    assert len(mail.outbox) == 1  # the notice replaces the acknowledgement
    notice = mail.outbox[0]
    assert notice.to == ["reza@pars.example"] and f"[#{inbound.ticket.number}]" in notice.subject
    assert notice.extra_headers["Auto-Submitted"] == "auto-replied"
    assert notice.extra_headers["In-Reply-To"] == f"<{inbound.email_message_id}>"


def test_a_new_address_at_a_known_domain_becomes_a_contact_of_that_organisation(org_a):
    inbound = ingest(raw_email(sender="Bahar@Pars.Example", name="Bahar"))
    contact = inbound.ticket.requester
    assert contact.organization == org_a and contact.name == "Bahar" and contact.email == "bahar@pars.example"


def test_a_known_address_matches_whatever_its_case(customer_reza):
    assert ingest(raw_email(sender="REZA@PARS.EXAMPLE")).ticket.requester == customer_reza.contact


def test_unknown_domain_gets_an_organisation_named_after_it_under_the_create_policy(db, settings):
    settings.UNKNOWN_SENDER_POLICY = "create"
    inbound = ingest(raw_email(sender="ceo@newco.example", name="New Co"))
    org = inbound.ticket.organization
    assert org.name == "newco.example" and "Created from email" in org.notes and org.email_domains == []
    assert ingest(raw_email(sender="cfo@newco.example")).ticket.organization == org


def test_unknown_domain_is_held_for_review_under_the_hold_policy(db, settings, django_capture_on_commit_callbacks):
    settings.UNKNOWN_SENDER_POLICY = "hold"
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(sender="who@stranger.example"))
    assert inbound.state == State.HELD and inbound.ticket is None
    assert not Contact.objects.exists() and not Organization.objects.exists()
    assert [m.to for m in mail.outbox] == [["who@stranger.example"]]
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-replied"
    # the admin accepts the sender: the same stored bytes become a ticket
    assert email_replay(inbound.pk, unknown_sender_policy="create") == State.PROCESSED
    inbound.refresh_from_db()
    assert inbound.ticket.requester.email == "who@stranger.example"


def test_quoted_history_is_cut_and_the_whole_original_is_one_click_away(customer_reza, agent_ali, client_for):
    body = "The new error is 501.\n\nOn Mon, 1 Jan 2024 at 10:00, Support <support@poshtiban.localhost> wrote:\n> Please try again.\n"
    inbound = ingest(raw_email(body=body))
    assert inbound.message.body == "The new error is 501."
    url = reverse("agent:inbound_raw", args=[inbound.pk])
    page = client_for(agent_ali).get(url)
    assert page.status_code == 200 and "> Please try again." in page.content.decode()
    assert page["Content-Type"].startswith("text/plain")
    download = client_for(agent_ali).get(url + "?download=1")
    assert download.content == bytes(inbound.raw)
    assert client_for(customer_reza).get(url).status_code == 404


def test_attachments_and_inline_images_are_stored_with_their_cid(db):
    inbound = ingest((FIXTURES / "inline_cid_image.eml").read_bytes())
    image = Attachment.objects.get(message=inbound.message)
    assert image.content_id == "error-shot@example.ir" and image.file.read().startswith(b"\x89PNG")
    assert reverse("agent:attachment", args=[image.pk]) in inbound.message.body_html
    assert "cid:" not in inbound.message.body_html


def test_a_blocked_attachment_is_left_out_and_the_message_says_so(customer_reza):
    inbound = ingest(raw_email(attachments=[("run.exe", "application/octet-stream", b"MZ..."),
                                            ("log.txt", "text/plain", b"trace")]))
    assert list(inbound.message.attachments.values_list("filename", flat=True)) == ["log.txt"]
    assert "run.exe" in inbound.message.body


def test_http_intake_needs_the_bearer_token(client, customer_reza, settings, django_capture_on_commit_callbacks):
    settings.INBOUND_EMAIL_TOKEN = "s3cret-token"
    url = reverse("inbound_email")
    raw = raw_email()
    assert client.post(url, raw, content_type="message/rfc822").status_code == 401
    bad = client.post(url, raw, content_type="message/rfc822", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and not InboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, raw, content_type="message/rfc822", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 202
    inbound = InboundEmail.objects.get(pk=ok.json()["id"])
    assert inbound.source == "http" and bytes(inbound.raw) == raw
    inbound.refresh_from_db()
    assert inbound.state == State.PROCESSED and inbound.ticket is not None


def test_http_intake_is_shut_when_no_token_is_configured(client, settings):
    settings.INBOUND_EMAIL_TOKEN = ""
    response = client.post(reverse("inbound_email"), raw_email(), content_type="message/rfc822",
                           headers={"Authorization": "Bearer "})
    assert response.status_code == 401


def test_ingest_email_reads_eml_files_and_mbox_archives(customer_reza, tmp_path, capsys):
    eml = tmp_path / "one.eml"
    eml.write_bytes(raw_email(subject="From a file"))
    box = mailbox.mbox(str(tmp_path / "archive.mbox"))
    box.add(raw_email(subject="First in the archive"))
    box.add(raw_email(subject="Second in the archive"))
    box.close()
    call_command("ingest_email", str(eml), str(tmp_path / "archive.mbox"), "--sync")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all("processed ticket #" in line for line in lines)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "First in the archive", "From a file", "Second in the archive"]


def test_admin_never_shows_a_mailbox_password_and_keeps_it_when_left_blank(admin_client):
    from tickets.models import Mailbox

    box = Mailbox.objects.create(name="Support", host="imap.example", username="support", password="hunter2-secret")
    url = reverse("admin:tickets_mailbox_change", args=[box.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "hunter2-secret" not in page.content.decode()
    form = {"name": "Support", "host": "imap.example", "port": 993, "security": "ssl", "username": "support",
            "password": "", "folder": "INBOX", "processed_folder": "", "addresses": "Support@Poshtiban.Localhost",
            "is_active": "on"}
    assert admin_client.post(url, form).status_code == 302
    box.refresh_from_db()
    assert box.password == "hunter2-secret" and box.addresses == ["support@poshtiban.localhost"]


def test_admin_lists_inbound_mail_and_replays_quarantined_messages(admin_client, customer_reza, monkeypatch):
    inbound, _ = store_raw(raw_email(), "imap")
    InboundEmail.objects.filter(pk=inbound.pk).update(state=State.QUARANTINED, error="ValueError: boom")
    changelist = reverse("admin:tickets_inboundemail_changelist")
    page = admin_client.get(changelist + "?state=quarantined")
    assert page.status_code == 200 and "ValueError: boom" in page.content.decode()
    assert admin_client.get(reverse("admin:tickets_inboundemail_change", args=[inbound.pk])).status_code == 200
    admin_client.post(changelist, {"action": "replay", "_selected_action": [inbound.pk]})
    inbound.refresh_from_db()
    assert inbound.state == State.PROCESSED and inbound.ticket is not None


def test_stored_mail_whose_task_was_lost_is_requeued_by_the_poll(customer_reza, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from tickets import tasks_mail

    inbound, _ = store_raw(raw_email(), "smtp")  # stored, but the broker never got the task
    InboundEmail.objects.filter(pk=inbound.pk).update(received_at=timezone.now() - timezone.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks_mail.mailboxes_poll()["requeued"] == 1
    inbound.refresh_from_db()
    assert inbound.state == State.PROCESSED and inbound.ticket is not None
