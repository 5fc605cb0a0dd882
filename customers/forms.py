"""Forms of the customer's account pages: they parse input; customers/services.py decides."""
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("fa", "فارسی"), ("en", "English")]


class _Styled:
    """Bootstrap classes on every widget, so templates render fields plainly."""

    def _style(self):
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()


class RegisterForm(_Styled, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Work email"), help_text=_("Use the address of your organisation's domain."))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language() or settings.LANGUAGE_CODE
        self._style()


class ProfileForm(_Styled, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class LocalizedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but each email speaks its recipient's language, not the requester's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["class"] = "form-control"

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context.get("user")
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
