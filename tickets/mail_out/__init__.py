"""Outgoing mail of the email channel (DESIGN.md "Email threading").

headers.py   our Message-IDs and the References / In-Reply-To chain of a ticket
compose.py   render .txt + .html in the recipient's language, send, mark a failure for the task
customer.py  acknowledgement, agent reply, status change, ETA, resolution
staff.py     notices to agents and managers
failures.py  the Celery base class that writes a final failure on the ticket ("email_failed")

`tickets.emails` re-exports the public names; the tasks import from there.
"""
