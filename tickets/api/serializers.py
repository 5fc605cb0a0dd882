"""Shapes of the API. Output serializers are plain (not model) serializers over what the selectors
load, so a list never touches a column the selector deferred (no query per row).

Fields in STAFF_ONLY are left out for customer tokens: the portal does not show them.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Contact, Organization, Product, SlaPolicy, SlaTarget, User
from tickets import states
from tickets.models import Channel, Message, Priority, Referral, Status, Team, TicketLink, TicketType, Unit

REF_SCHEMA = {"type": "object", "nullable": True, "required": ["id", "name"],
              "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


@extend_schema_field(REF_SCHEMA)
class RefField(serializers.Field):
    """A related object as {"id", "name"} (null when unset); reads only what select_related loaded."""

    def __init__(self, label_attr="name", **kwargs):
        self.label_attr = label_attr
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        # Check the foreign key first: an unset relation costs no query and no exception.
        if getattr(instance, f"{self.source}_id", True) is None:
            return None
        return super().get_attribute(instance)

    def to_representation(self, value):
        if value is None:
            return None
        return {"id": value.pk, "name": str(getattr(value, self.label_attr))}


class AudienceSerializer(serializers.Serializer):
    """Drops STAFF_ONLY fields unless the request comes from staff (context["staff"])."""

    STAFF_ONLY = ()

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("staff"):
            for name in self.STAFF_ONLY:
                fields.pop(name, None)
        return fields


class TicketSerializer(AudienceSerializer):
    STAFF_ONLY = ("organization", "product", "team", "assignee", "tags", "next_due_at", "resolution_due_at")

    number = serializers.IntegerField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    type = serializers.ChoiceField(choices=TicketType.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    requester = RefField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    eta = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text=_("Send it back as `version` with a change: a stale one is a 409."))
    # staff only (not required in the schema: absent for customer tokens)
    organization = RefField(required=False)
    product = RefField(required=False)
    team = RefField(required=False)
    assignee = RefField(label_attr="display_name", required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    next_due_at = serializers.DateTimeField(allow_null=True, required=False)
    resolution_due_at = serializers.DateTimeField(allow_null=True, required=False)


def _dt(value, tz):
    """DRF's DateTimeField output (ISO 8601 in the active time zone), without its machinery."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _ref(obj, label="name"):
    return None if obj is None else {"id": obj.pk, "name": str(getattr(obj, label))}


def ticket_rows(tickets, *, staff: bool) -> list:
    """TicketSerializer's output for a page of the queue, built directly: DRF's per-field
    machinery costs ~0.2 ms a row, a third of the list's budget. test_api_tickets checks that both
    give the same JSON; TicketSerializer stays the documented shape."""
    tz = timezone.get_current_timezone()
    rows = []
    for t in tickets:
        row = {
            "number": t.number, "subject": t.subject, "status": t.status, "type": t.type, "priority": t.priority,
            "channel": t.channel, "requester": _ref(t.requester), "created_at": _dt(t.created_at, tz),
            "updated_at": _dt(t.updated_at, tz), "first_response_due_at": _dt(t.first_response_due_at, tz),
            "eta": _dt(t.eta, tz), "version": t.version,
        }
        if staff:
            row.update({
                "organization": _ref(t.organization), "product": _ref(t.product if t.product_id else None),
                "team": _ref(t.team if t.team_id else None),
                "assignee": _ref(t.assignee if t.assignee_id else None, "display_name"),
                "tags": list(t.tags), "next_due_at": _dt(t.next_due_at, tz), "resolution_due_at": _dt(t.resolution_due_at, tz),
            })
        rows.append(row)
    return rows


class ReferralSerializer(serializers.ModelSerializer):
    created_by = RefField(label_attr="display_name")

    class Meta:
        model = Referral
        fields = ["id", "unit", "question", "due_at", "state", "answer", "answered_by", "answered_at",
                  "external_url", "created_by", "created_at"]


class TicketDetailSerializer(TicketSerializer):
    STAFF_ONLY = TicketSerializer.STAFF_ONLY + (
        "contract", "merged_into", "first_response_breached", "resolution_breached", "referrals")

    first_response_at = serializers.DateTimeField(allow_null=True)
    next_response_due_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    sla_paused_since = serializers.DateTimeField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("Status changes this caller may make now."))
    contract = RefField(required=False)
    merged_into = serializers.IntegerField(source="merged_into.number", allow_null=True, required=False)
    first_response_breached = serializers.BooleanField(allow_null=True, required=False)
    resolution_breached = serializers.BooleanField(allow_null=True, required=False)
    referrals = ReferralSerializer(many=True, required=False, source="referrals.all")

    def get_allowed_actions(self, ticket) -> list[str]:
        return states.allowed_actions(ticket.status, states.AGENT if self.context.get("staff") else states.CUSTOMER)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        request = self.context.get("request")
        path = f"/api/v1/attachments/{attachment.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket.number")
    kind = serializers.ChoiceField(choices=Message.Kind.choices)
    author = serializers.SerializerMethodField()
    body = serializers.CharField(allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")

    @extend_schema_field({"type": "object", "nullable": True, "required": ["type", "name"], "properties": {
        "type": {"type": "string", "enum": ["staff", "contact"]}, "name": {"type": "string"}}})
    def get_author(self, message):
        if message.author_user_id:
            return {"type": "staff", "name": message.author_user.display_name}
        if message.author_contact_id:
            return {"type": "contact", "name": message.author_contact.name}
        return None


# --- input

class VersionedInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                       help_text=_("The ticket version the change is based on."))


class FilesMixin(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                  help_text=_("Attachments (multipart/form-data only)."))


class TicketCreateInput(FilesMixin):
    requester = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False,
                                                   help_text=_("Contact id; required for staff, defaults to yourself for customers."))
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(allow_blank=True, required=False, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    type = serializers.ChoiceField(choices=TicketType.choices, default=TicketType.QUESTION)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.filter(is_active=True), required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)


class ReplyInput(VersionedInput, FilesMixin):
    body = serializers.CharField(allow_blank=True, required=False, default="")
    pending_customer = serializers.BooleanField(required=False, default=False,
                                                help_text=_("Staff: wait for the customer's answer."))


class NoteInput(VersionedInput, FilesMixin):
    body = serializers.CharField(allow_blank=True, required=False, default="")


class TransitionInput(VersionedInput):
    action = serializers.ChoiceField(choices=sorted(states.TRANSITIONS))


class AssignInput(VersionedInput):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True,
                                                  help_text=_("null: unassign."))
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)


class ClassifyInput(VersionedInput):
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)


class ReferInput(VersionedInput):
    unit = serializers.ChoiceField(choices=Unit.choices)
    question = serializers.CharField()
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    hold = serializers.BooleanField(required=False, default=True)
    external_url = serializers.URLField(required=False, allow_blank=True, max_length=500,
                                        help_text=_("The issue in the development tracker; its webhook answers the referral."))


class AnswerInput(serializers.Serializer):
    referral = serializers.IntegerField()
    answer = serializers.CharField()
    answered_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class MergeInput(VersionedInput):
    target = serializers.IntegerField(help_text=_("Number of the ticket to merge into."))


class LinkInput(serializers.Serializer):
    other = serializers.IntegerField(help_text=_("Number of the other ticket."))
    kind = serializers.ChoiceField(choices=TicketLink.Kind.choices, default=TicketLink.Kind.RELATED)


class LinkSerializer(serializers.Serializer):
    source = serializers.IntegerField(source="source.number")
    target = serializers.IntegerField(source="target.number")
    kind = serializers.ChoiceField(choices=TicketLink.Kind.choices)


class EtaInput(VersionedInput):
    eta = serializers.DateTimeField(allow_null=True)


class TrackerInput(serializers.Serializer):
    issue_url = serializers.URLField(max_length=500)
    state = serializers.CharField(max_length=40)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    author = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class TrackerResult(serializers.Serializer):
    answered = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.DictField())


# --- reference data

class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "email_domains", "language", "created_at"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "organization", "name", "email", "phone", "is_org_admin", "language", "created_at"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "code", "is_active"]


class SlaTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaTarget
        fields = ["priority", "first_response_minutes", "next_response_minutes", "resolution_minutes"]


class SlaPolicySerializer(serializers.ModelSerializer):
    calendar = RefField()
    targets = SlaTargetSerializer(many=True, read_only=True)

    class Meta:
        model = SlaPolicy
        fields = ["id", "name", "is_default", "calendar", "warn_at_percent", "warn_minutes_before", "pause_states", "targets"]


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    language = serializers.CharField()
    visibility = serializers.CharField()
    category = RefField()
    published_at = serializers.DateTimeField(allow_null=True)
    snippet = serializers.SerializerMethodField(help_text=_("Search only: the matching passage (HTML, highlighted)."))

    def get_snippet(self, article) -> str | None:
        return getattr(article, "snippet", None)


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField(help_text=_("Markdown."))
    body_html = serializers.CharField(help_text=_("Sanitised HTML, as the knowledge base shows it."))
    updated_at = serializers.DateTimeField()
