"""API endpoints: each parses its input, calls one service or selector, and renders the result.
Staff reach what the agent UI reaches; a customer what the portal shows (selectors decide)."""
import hmac

import django_filters

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from customers import roles
from tickets import selectors, services
from tickets.api import serializers as s
from tickets.api.pagination import CursorPagination, KeysetPagination, keyset_page_response
from tickets.api.permissions import IsStaffOrCustomer, is_staff
from tickets.filters import TicketFilter
from tickets.models import Attachment, Channel, Message, Referral

PARSERS = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
WITH_FILES = {"application/json": None, "multipart/form-data": None}

LIST_PARAMS = [
    OpenApiParameter("queue", str, enum=list(selectors.QUEUES), description="Staff: the agent queue (default: open)."),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS), description="Staff: due, updated or created."),
    OpenApiParameter("cursor", str, description="From the previous page's `next`."),
    OpenApiParameter("limit", int, description="Page size, 1 to 200 (default 50)."),
]


class UserLanguage:
    """A token has no session, so UserLanguageMiddleware cannot see its user: after authentication,
    speak the user's profile language unless the request asked for one (Accept-Language)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if user.is_authenticated and user.language and "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language


class MessagePagination(CursorPagination):
    ordering = ("created_at", "id")



def _filter_param(name, f):
    """TicketFilter's fields as query parameters (the same filters as the agent queue)."""
    if isinstance(f, django_filters.MultipleChoiceFilter):
        return OpenApiParameter(name, {"type": "array", "items": {"type": "string", "enum": [c for c, _l in f.extra["choices"]]}},
                                explode=True, description=f.label)
    kind = {django_filters.ModelChoiceFilter: int, django_filters.DateFilter: OpenApiTypes.DATE}.get(type(f), str)
    return OpenApiParameter(name, kind, description=f.label)


FILTER_PARAMS = [_filter_param(name, f) for name, f in TicketFilter.base_filters.items()]
FILTER_NAMES = frozenset(TicketFilter.base_filters)


def _body(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TicketViewSet(UserLanguage, viewsets.ViewSet):
    permission_classes = [IsStaffOrCustomer]
    parser_classes = PARSERS
    lookup_field = "number"
    lookup_value_converter = "int"
    pagination_class = KeysetPagination  # documents the page envelope; pages come from the selector

    def _ctx(self):
        return {"request": self.request, "staff": is_staff(self.request)}

    def _ticket(self, number):
        """The access getter of the caller's audience: outside it, a plain 404."""
        if is_staff(self.request):
            return selectors.ticket_get_for_agent(self.request.user, number)
        return selectors.ticket_get_for_customer(self.request.user, number)

    def _detail(self, number, code=status.HTTP_200_OK):
        ticket = self._ticket(number)
        return Response(s.TicketDetailSerializer(ticket, context=self._ctx()).data, status=code)

    @extend_schema(parameters=LIST_PARAMS + FILTER_PARAMS, responses=s.TicketSerializer(many=True))
    def list(self, request):
        q = request.query_params
        try:
            limit = max(1, min(200, int(q.get("limit") or selectors.PAGE_SIZE)))
        except ValueError:
            limit = selectors.PAGE_SIZE
        if is_staff(request):
            queue = q.get("queue") or "open"
            if queue not in selectors.QUEUES:
                queue = "open"
            sort = q.get("sort") or ("updated" if queue in ("recent", "all") else "due")
            # Build the FilterSet only when a filter is asked for: it costs more than the page's query.
            filters = q if not FILTER_NAMES.isdisjoint(q.keys()) else None
            page = selectors.ticket_list_for_agent(request.user, queue=queue, filters=filters, sort=sort,
                                                   cursor=q.get("cursor"), limit=limit)
        else:
            page = selectors.ticket_list_for_customer(request.user, cursor=q.get("cursor"), limit=limit,
                                                      status=q.get("status") if q.get("status") in ("open", "closed") else None)
        return keyset_page_response(request, page, s.ticket_rows(page.items, staff=is_staff(request)))

    @extend_schema(request={"application/json": s.TicketCreateInput, "multipart/form-data": s.TicketCreateInput},
                   responses={201: s.TicketDetailSerializer})
    def create(self, request):
        d = _body(s.TicketCreateInput, request)
        staff = is_staff(request)
        requester = d.get("requester") or (None if staff else roles.customer_contact(request.user))
        if requester is None:
            raise ValidationError({"requester": [_("Staff must name the requester (a contact id).")]})
        ticket = services.ticket_create(
            actor=request.user, requester=requester, subject=d["subject"], body=d["body"], channel=d["channel"],
            type=d["type"], priority=d["priority"], product=d.get("product"), team=d.get("team") if staff else None,
            tags=d["tags"], files=d["files"])
        return self._detail(ticket.number, status.HTTP_201_CREATED)

    @extend_schema(responses=s.TicketDetailSerializer)
    def retrieve(self, request, number=None):
        return self._detail(number)

    @extend_schema(responses=s.MessageSerializer(many=True), parameters=[OpenApiParameter("cursor", str), OpenApiParameter("limit", int)])
    @action(detail=True, methods=["get"])
    def messages(self, request, number=None):
        """The conversation (staff also see internal notes), oldest first, cursor-paginated."""
        ticket = self._ticket(number)
        qs = ticket.messages.select_related("author_user", "author_contact", "ticket").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.only("id", "message_id", "filename", "size", "content_type")))
        if not is_staff(request):
            qs = qs.filter(kind=Message.Kind.PUBLIC)
        paginator = MessagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.MessageSerializer(page, many=True, context=self._ctx()).data)

    @extend_schema(request={"application/json": s.ReplyInput, "multipart/form-data": s.ReplyInput},
                   responses={201: s.MessageSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, number=None):
        """A public reply: from staff (emails the customer) or from the customer."""
        ticket = self._ticket(number)
        d = _body(s.ReplyInput, request)
        if is_staff(request):
            message = services.ticket_reply(ticket, actor=request.user, body=d["body"], files=d["files"],
                                            pending_customer=d["pending_customer"], expected_version=d.get("version"))
        else:
            message = services.ticket_customer_reply(ticket, contact=roles.customer_contact(request.user), body=d["body"],
                                                     files=d["files"], channel=Channel.API)
        return Response(s.MessageSerializer(message, context=self._ctx()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": s.NoteInput, "multipart/form-data": s.NoteInput},
                   responses={201: s.MessageSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, number=None):
        ticket = self._staff_ticket(number)
        d = _body(s.NoteInput, request)
        message = services.ticket_note(ticket, actor=request.user, body=d["body"], files=d["files"],
                                       expected_version=d.get("version"))
        return Response(s.MessageSerializer(message, context=self._ctx()).data, status=status.HTTP_201_CREATED)

    def _staff_ticket(self, number):
        ticket = self._ticket(number)  # 404 first: a customer never learns what exists elsewhere
        roles.require_staff(self.request.user)
        return ticket

    @extend_schema(request=s.TransitionInput, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        """Move through the status machine (customers may close, reopen or withdraw their own)."""
        ticket = self._ticket(number)
        d = _body(s.TransitionInput, request)
        services.ticket_transition(ticket, actor=request.user, action=d["action"], expected_version=d.get("version"))
        return self._detail(number)

    @extend_schema(request=s.AssignInput, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, number=None):
        ticket = self._staff_ticket(number)
        d = _body(s.AssignInput, request)
        services.ticket_assign(ticket, actor=request.user, assignee=d["assignee"], team=d.get("team"),
                               expected_version=d.get("version"))
        return self._detail(number)

    @extend_schema(request=s.ClassifyInput, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def classify(self, request, number=None):
        ticket = self._staff_ticket(number)
        d = _body(s.ClassifyInput, request)
        services.ticket_classify(ticket, actor=request.user, type=d.get("type"), priority=d.get("priority"),
                                 product=d.get("product"), tags=d.get("tags"), expected_version=d.get("version"))
        return self._detail(number)

    @extend_schema(request=s.ReferInput, responses={201: s.ReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request, number=None):
        from tickets.services.webhooks import ticket_refer_tracked

        ticket = self._staff_ticket(number)
        d = _body(s.ReferInput, request)
        referral = ticket_refer_tracked(ticket, actor=request.user, unit=d["unit"], question=d["question"],
                                        due_at=d.get("due_at"), hold=d["hold"], external_url=d.get("external_url", ""),
                                        expected_version=d.get("version"))
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AnswerInput, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, number=None):
        """Record a unit's answer to one of the ticket's referrals."""
        ticket = self._staff_ticket(number)
        d = _body(s.AnswerInput, request)
        referral = get_object_or_404(Referral, pk=d["referral"], ticket=ticket)
        referral = services.referral_answer(referral, actor=request.user, answer=d["answer"], answered_by=d["answered_by"])
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=s.MergeInput, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, number=None):
        """Close this ticket as a duplicate of `target`; answers with the target."""
        ticket = self._staff_ticket(number)
        d = _body(s.MergeInput, request)
        target = selectors.ticket_get_for_agent(request.user, d["target"])
        services.ticket_merge(ticket, actor=request.user, target=target, expected_version=d.get("version"))
        return self._detail(target.number)

    @extend_schema(request=s.LinkInput, responses={201: s.LinkSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, number=None):
        ticket = self._staff_ticket(number)
        d = _body(s.LinkInput, request)
        other = selectors.ticket_get_for_agent(request.user, d["other"])
        link = services.ticket_link(ticket, actor=request.user, other=other, kind=d["kind"])
        return Response(s.LinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EtaInput, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def eta(self, request, number=None):
        """Promise (or withdraw, with null) when the ticket should be resolved; the customer sees it."""
        ticket = self._staff_ticket(number)
        d = _body(s.EtaInput, request)
        services.ticket_set_eta(ticket, actor=request.user, eta=d["eta"], expected_version=d.get("version"))
        return self._detail(number)


class AttachmentViewSet(UserLanguage, viewsets.ViewSet):
    permission_classes = [IsStaffOrCustomer]
    lookup_value_converter = "int"

    @extend_schema(responses=s.AttachmentSerializer)
    def retrieve(self, request, pk=None):
        attachment = selectors.attachment_get_for_user(request.user, pk)
        return Response(s.AttachmentSerializer(attachment, context={"request": request}).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = selectors.attachment_get_for_user(request.user, pk)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename,
                                content_type="application/octet-stream")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class TrackerWebhookView(APIView):
    """POST /api/v1/tracker/webhook from the development tracker (its own shared token, not a user's)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [parsers.JSONParser]

    def get_authenticate_header(self, request):
        return 'Bearer realm="tracker"'  # so a missing or wrong token is a 401, not a 403

    @extend_schema(request=s.TrackerInput, responses=s.TrackerResult, auth=[])
    def post(self, request):
        from tickets.services.webhooks import tracker_issue_update

        expected = settings.TRACKER_WEBHOOK_TOKEN
        given = request.headers.get("X-Tracker-Token") or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotAuthenticated(_("A valid tracker token is required."))
        d = _body(s.TrackerInput, request)
        result = tracker_issue_update(d["issue_url"], state=d["state"], comment=d["comment"], author=d["author"])
        return Response(s.TrackerResult(result).data)


@csrf_exempt  # a 404 changes nothing; answering it in JSON beats Django's HTML CSRF page
def api_not_found(request, *args, **kwargs):
    """Unknown /api/v1/ paths answer in the API's error format, not with the site's HTML page."""
    return JsonResponse({"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}, status=404)
