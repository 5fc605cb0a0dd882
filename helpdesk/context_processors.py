from django.utils.translation import get_language_bidi


def ui(request):
    """Direction and the Bootstrap build that matches it, for base.html."""
    rtl = get_language_bidi()
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "is_staff_member", False):
        from tickets.models import Notification

        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "unread_notifications": unread,
        "ui_dir": "rtl" if rtl else "ltr",
        "bootstrap_css": "vendor/bootstrap/bootstrap.rtl.min.css" if rtl else "vendor/bootstrap/bootstrap.min.css",
    }
