"""Email doors over HTTP: the token-protected intake endpoint, and the staff view of an original."""
import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from customers import roles
from tickets.mail.parse import decode_text, parse_email
from tickets.models_mail import InboundEmail
from tickets.services.email_intake import email_receive


def _authorised(request) -> bool:
    expected = settings.INBOUND_EMAIL_TOKEN
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    # No token configured means the door is shut, not open.
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode())


@csrf_exempt
@require_POST
def inbound_email(request):
    """POST a raw RFC 5322 message (e.g. from a mail server's pipe or a provider's webhook)."""
    if not _authorised(request):
        response = JsonResponse({"error": "invalid or missing bearer token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="inbound-email"'
        return response
    # Read the stream ourselves: DATA_UPLOAD_MAX_MEMORY_SIZE is for forms, mail is larger.
    # Oversize mail up to 4x the limit is stored and flagged; past that it is refused.
    cap = 4 * settings.EMAIL_MAX_BYTES
    raw = request.read(cap + 1)
    if len(raw) > cap:
        return JsonResponse({"error": "message too large"}, status=413)
    if not raw.strip():
        return JsonResponse({"error": "empty body: send the raw message"}, status=400)
    inbound, created = email_receive(raw, InboundEmail.Source.HTTP)
    return JsonResponse({"id": inbound.pk, "created": created, "state": inbound.state}, status=202)


@login_required
def inbound_raw(request, inbound_id):
    """The original for staff: its whole text (quotes included); ?source=1 the MIME source;
    ?download=1 the .eml file."""
    if not roles.is_staff_user(request.user):
        raise Http404()
    inbound = get_object_or_404(InboundEmail, pk=inbound_id)
    raw = bytes(inbound.raw)
    if request.GET.get("download"):
        response = HttpResponse(raw, content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="inbound-{inbound.pk}.eml"'
    elif request.GET.get("source"):
        # decode_text picks the charset the bytes really are in; never rendered as HTML.
        response = HttpResponse(decode_text(raw, None)[0], content_type="text/plain; charset=utf-8")
    else:  # the whole text, quoted history included, as the sender's client showed it
        parsed = parse_email(raw, max_bytes=settings.EMAIL_MAX_BYTES)
        head = "\n".join(f"{name}: {', '.join(parsed.headers.get(name.lower(), []))}"
                         for name in ("From", "To", "Cc", "Date", "Subject"))
        files = "\n".join(f"[{a.filename}]" for a in parsed.attachments)
        response = HttpResponse(f"{head}\n\n{parsed.text}\n\n{files}".rstrip() + "\n",
                                content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
