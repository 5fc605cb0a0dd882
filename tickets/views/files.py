"""Attachment downloads: always as attachments, never sniffed, only for who may see the message."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse

from tickets import selectors


@login_required
def attachment_download(request, attachment_id):
    attachment = selectors.attachment_get_for_user(request.user, attachment_id)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
