"""Files on a message: size and type checked, stored under MEDIA_ROOT."""
import mimetypes

from django.conf import settings
from django.utils.translation import gettext as _

from tickets.models import Attachment
from tickets.services.errors import TicketError

# Executables and scripts are refused outright; everything else is served as a download.
BLOCKED_EXTENSIONS = {".exe", ".bat", ".cmd", ".com", ".js", ".vbs", ".scr", ".msi", ".ps1", ".jar", ".html", ".htm", ".svg"}


def check_file(f):
    name = getattr(f, "name", "") or "file"
    if f.size > settings.ATTACHMENT_MAX_BYTES:
        raise TicketError(_("%(name)s is larger than the %(limit)s MB limit.") % {
            "name": name, "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)})
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext in BLOCKED_EXTENSIONS:
        raise TicketError(_("Files of type %(ext)s are not accepted.") % {"ext": ext})


def attach_files(message, files):
    for f in files:
        check_file(f)
    for f in files:
        name = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][:200]
        ctype = getattr(f, "content_type", None) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        att = Attachment(message=message, filename=name, content_type=ctype, size=f.size)
        att.file.save(name, f, save=False)
        att.save()
