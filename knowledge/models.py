# The knowledge bank (categories, articles, search) arrives with its own issue.
