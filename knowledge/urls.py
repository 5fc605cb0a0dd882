from django.urls import path

from knowledge.views import public, staff

app_name = "kb"
urlpatterns = [
    path("", public.home, name="home"),
    path("search/", public.search, name="search"),
    path("suggest/", public.suggest, name="suggest"),
    path("c/<str:slug>/", public.category, name="category"),
    path("a/<int:pk>/", public.article, name="article_short"),
    path("vote/<int:pk>/", public.vote, name="vote"),
    path("a/<int:pk>/<str:slug>/", public.article, name="article"),
    path("files/<int:pk>/<str:filename>", public.file, name="file"),
    # Staff
    path("new/", staff.article_new, name="new"),
    path("edit/<int:pk>/", staff.article_edit, name="edit"),
    path("publish/<int:pk>/", staff.article_publish, name="publish"),
    path("history/<int:pk>/", staff.article_history, name="history"),
    path("preview/", staff.preview, name="preview"),
    path("picker/", staff.picker, name="picker"),
    path("link/<int:ticket_number>/<int:pk>/", staff.link, name="link"),
    path("from-ticket/<int:ticket_number>/", staff.from_ticket, name="from_ticket"),
    path("stats/", staff.stats, name="stats"),
]
