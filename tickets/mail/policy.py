"""The standard library's modern email policy, remembering the headers it has parsed.

email.message.Message parses a header again on every read (`msg["Content-Type"]`,
get_content_type(), get_param(), get_filename() ... each one), and most of a small message's
parse time went there: the same Content-Type line was parsed about a dozen times per message.
A parsed header depends only on its name and raw value, and the header objects are immutable,
so they are kept in a bounded cache shared by every message; common lines (Content-Type:
text/plain; charset=utf-8, MIME-Version ...) are parsed once per process.
"""
from email.policy import EmailPolicy
from functools import lru_cache


class CachedHeadersPolicy(EmailPolicy):
    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):  # already a header object
            return value
        return _parsed(name, value)


default = CachedHeadersPolicy()
_plain = EmailPolicy()


@lru_cache(maxsize=4096)
def _parsed(name, value):
    return EmailPolicy.header_fetch_parse(_plain, name, value)
