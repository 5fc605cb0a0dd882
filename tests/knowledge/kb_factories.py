"""Articles for the knowledge tests, written through the service like the editor writes them."""
from knowledge import services


def article(author, title, body="", *, language="fa", visibility="public", status="published", **extra):
    return services.article_save(actor=author, title=title, body=body, language=language, visibility=visibility,
                                 status=status, **extra)


def hidden_articles(author):
    """One internal and one draft article sharing the word 'secretword' / «محرمانه»."""
    return (
        article(author, "Internal escalation secretword", "محرمانه: call the on-duty developer", visibility="internal"),
        article(author, "Draft pricing secretword", "محرمانه: next year's prices", status="draft"),
    )
