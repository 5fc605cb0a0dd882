"""Forms of the agent workspace and the portal: they parse input; services decide."""
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Product, User
from tickets.models import Channel, Priority, Team, TicketLink, TicketType, Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput, forms.RadioSelect, forms.HiddenInput)):
                continue
            css = "form-select form-select-sm" if isinstance(w, forms.Select) else "form-control form-control-sm"
            w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReplyForm(VersionedForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    kind = forms.ChoiceField(choices=[("public", _("Public reply")), ("internal", _("Internal note"))], initial="public")
    pending_customer = forms.BooleanField(label=_("Wait for the customer's answer"), required=False)
    files = MultipleFileField(label=_("Attachments"))


class ClassifyForm(VersionedForm):
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Comma separated"))


class AssignForm(VersionedForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    assignee = forms.ModelChoiceField(label=_("Assignee"), required=False,
                                      queryset=User.objects.filter(role__in=["agent", "manager", "admin"], is_active=True))


class TransitionForm(VersionedForm):
    action = forms.CharField()


class ReferForm(VersionedForm):
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    question = forms.CharField(label=_("Question for the unit"), widget=forms.Textarea(attrs={"rows": 3}))
    due_at = forms.DateTimeField(label=_("Answer due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ReferralAnswerForm(StyledForm):
    answer = forms.CharField(label=_("The unit's answer"), widget=forms.Textarea(attrs={"rows": 3}))
    answered_by = forms.CharField(label=_("Answered by"), required=False)


class MergeForm(VersionedForm):
    target = forms.IntegerField(label=_("Merge into ticket number"))


class LinkForm(StyledForm):
    other = forms.IntegerField(label=_("Ticket number"))
    kind = forms.ChoiceField(label=_("Relation"), choices=TicketLink.Kind.choices)


class EtaForm(VersionedForm):
    eta = forms.DateTimeField(label=_("Estimated resolution"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class AgentNewTicketForm(StyledForm):
    requester = forms.ModelChoiceField(label=_("Customer contact"), queryset=Contact.objects.select_related("organization"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != "portal"], initial="phone")
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 5}))
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    files = MultipleFileField(label=_("Attachments"))


class PortalNewTicketForm(StyledForm):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Describe your request"), widget=forms.Textarea(attrs={"rows": 6}))
    type = forms.ChoiceField(label=_("What kind of request is it?"), choices=TicketType.choices, initial="question")
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal", required=False)
    files = MultipleFileField(label=_("Attachments"))


class PortalReplyForm(StyledForm):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    files = MultipleFileField(label=_("Attachments"))
