from django.utils.translation import get_language_bidi


def ui(request):
    """Direction and the Bootstrap build that matches it, for base.html."""
    rtl = get_language_bidi()
    return {
        "ui_dir": "rtl" if rtl else "ltr",
        "bootstrap_css": "vendor/bootstrap/bootstrap.rtl.min.css" if rtl else "vendor/bootstrap/bootstrap.min.css",
    }
