"""Who we serve and on what terms: people (users and contacts), organisations, products, contracts."""
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """Every login. Staff roles (agent, manager, admin) work tickets; a customer is a Contact's login."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=[("fa", "فارسی"), ("en", "English")], default="fa")
    is_available = models.BooleanField(
        _("available for assignment"), default=True,
        help_text=_("Automatic assignment skips agents who are away."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_member(self):
        return self.role in (Role.AGENT, Role.MANAGER, Role.ADMIN)

    @property
    def is_manager(self):
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def display_name(self):
        return self.get_full_name() or self.username


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Sender domains matched to this organisation when email arrives (lower case, no "@").
    email_domains = ArrayField(models.CharField(max_length=253), default=list, blank=True, verbose_name=_("email domains"))
    allow_self_registration = models.BooleanField(_("allow self-registration from its domains"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=[("fa", "فارسی"), ("en", "English")], default="fa")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # GIN is what makes `email_domains @> ARRAY['example.com']` cheap when mail arrives.
        indexes = [GinIndex(fields=["email_domains"], name="org_domains_gin")]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person at a customer organisation; has a login (user) when they use the portal."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organisation"))
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact", verbose_name=_("login"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_org_admin = models.BooleanField(_("organisation admin"), default=False, help_text=_("Sees all of the organisation's tickets in the portal."))
    language = models.CharField(_("language"), max_length=8, choices=[("fa", "فارسی"), ("en", "English")], default="fa")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="contact_email_unique", condition=~models.Q(email="")),
        ]
        indexes = [models.Index(fields=["organization", "name"], name="contact_org_name")]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contract(models.Model):
    """The terms agreed with an organisation: which products, from when to when, and (issue: SLA) which targets."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    products = models.ManyToManyField(Product, blank=True, related_name="contracts", verbose_name=_("products"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    customer_may_set_priority = models.BooleanField(_("customer may set priority"), default=False)
    sla_policy = models.ForeignKey("customers.SlaPolicy", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="contracts", verbose_name=_("SLA policy"),
                                   help_text=_("Empty: the default policy applies."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["organization", "-starts_on"]
        indexes = [models.Index(fields=["organization", "is_active", "starts_on"], name="contract_org_active")]

    def __str__(self):
        return f"{self.organization}: {self.name}"

    def covers(self, day):
        return self.is_active and self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


from customers.sla_terms import BusinessCalendar, Holiday, SlaEscalation, SlaPolicy, SlaTarget  # noqa: E402,F401
