"""Outgoing mail, each in its recipient's language, threaded with our own Message-IDs.

The code lives in tickets/mail_out/; this module keeps the import path the tasks and tests use.
"""
from tickets.mail_out.customer import (  # noqa: F401
    send_acknowledgement, send_acknowledgements, send_eta, send_public_reply, send_resolution, send_status_change,
)
from tickets.mail_out.headers import automatic_message_id, message_id_for, ticket_thread_id  # noqa: F401
from tickets.mail_out.staff import send_notification_emails, send_staff_update  # noqa: F401
