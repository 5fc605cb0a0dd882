"""Customer accounts: invitations, self-registration, profile. Each function checks its input and
raises ValidationError with a message for the user; emails go out in the person's language.

Both invitation and registration end in the same place: an email with a set-password link made
by Django's PasswordResetTokenGenerator. Registration deliberately asks for no password: whoever
types an address cannot choose the password of the account it creates (no pre-hijacking), and
the account works only once its owner has followed the link (the email confirmation).
"""
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from customers import roles
from customers.models import Contact, Organization, Role, User


def set_password_url(user) -> str:
    """An absolute, single-use link (the token hashes the current password and last login)."""
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    return settings.SITE_URL + path


def _mail(to, template, subject, language, **context):
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        subject_line = str(subject())
    # Account mail is automatic: autoresponders must not answer it (RFC 3834).
    EmailMessage(subject=subject_line, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                 headers={"Auto-Submitted": "auto-generated"}).send()


def _split_name(name):
    first, _sep, last = (name or "").strip().partition(" ")
    return first[:150], last[:150]


def _login_for(contact: Contact, *, language) -> User:
    """The contact's portal login, created without a usable password if it has none yet."""
    if contact.user_id:
        return contact.user
    email = contact.email.strip().lower()
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError(_("Another account already uses %(email)s as its login.") % {"email": email})
    first, last = _split_name(contact.name)
    user = User(username=email, email=email, role=Role.CUSTOMER, language=language, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save()
    contact.user = user
    contact.save(update_fields=["user"])
    return user


@transaction.atomic
def contact_invite(contact: Contact, *, actor) -> User:
    """Staff invite a contact to the portal: a login if needed, and a set-password email."""
    roles.require_staff(actor)
    if not contact.email:
        raise ValidationError(_("%(name)s has no email address to invite.") % {"name": contact.name})
    user = _login_for(contact, language=contact.language)
    if user.role != Role.CUSTOMER or not user.is_active:
        raise ValidationError(_("This contact's login is not an active customer account."))
    link = set_password_url(user)
    transaction.on_commit(lambda: _mail(
        contact.email, "emails/invite.txt", lambda: _("Your Poshtiban support account"), contact.language,
        contact=contact, link=link, organization=contact.organization))
    return user


def organization_for_registration(email: str):
    """The organisation whose domains include the address, if it accepts self-registration."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return Organization.objects.filter(email_domains__contains=[domain], allow_self_registration=True).first()


@transaction.atomic
def customer_register(*, name: str, email: str, language: str) -> None:
    """Self-registration. Says nothing about whether the address already has an account (the
    page is the same either way); the mailbox's owner learns it from the email."""
    email = email.strip().lower()
    language = language if language in ("fa", "en") else settings.LANGUAGE_CODE
    org = organization_for_registration(email)
    if org is None:
        raise ValidationError(_("Self-registration is not open for this email domain. Ask your organisation's "
                                "administrator or our support team to invite you."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and (existing.has_usable_password() or existing.role != Role.CUSTOMER):
        transaction.on_commit(lambda: _mail(
            email, "emails/register_exists.txt", lambda: _("You already have a Poshtiban account"),
            existing.language, user=existing, reset_url=settings.SITE_URL + reverse("password_reset")))
        return
    contact = Contact.objects.filter(email__iexact=email).select_related("user").first()
    if contact is None:
        contact = Contact.objects.create(organization=org, name=name.strip()[:200], email=email, language=language)
    user = _login_for(contact, language=language)
    link = set_password_url(user)
    transaction.on_commit(lambda: _mail(
        email, "emails/register.txt", lambda: _("Confirm your email address"), language,
        contact=contact, link=link))


def profile_update(user: User, *, first_name: str, last_name: str, language: str) -> User:
    """Name and language, on the login and on the contact (emails read the contact's language)."""
    if language not in ("fa", "en"):
        raise ValidationError(_("Unknown language."))
    user.first_name, user.last_name, user.language = first_name.strip()[:150], last_name.strip()[:150], language
    user.save(update_fields=["first_name", "last_name", "language"])
    contact = roles.customer_contact(user)
    if contact is not None:
        contact.language = language
        contact.name = (user.get_full_name() or contact.name)[:200]
        contact.save(update_fields=["language", "name"])
    return user
