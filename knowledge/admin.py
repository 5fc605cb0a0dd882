from django.contrib import admin
from django.utils import timezone

from knowledge import services
from knowledge.models import Article, ArticleAttachment, ArticleRevision, Category, TicketArticleLink


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "position")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_en")


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ("created_at", "author", "title")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = ArticleAttachment
    fields = ("file", "filename", "content_type", "size")
    readonly_fields = ("filename", "content_type", "size")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the editor, which checks size and type


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "category", "visibility", "status", "updated_at")
    list_filter = ("status", "visibility", "language", "category")
    list_select_related = ("category",)
    search_fields = ("title",)
    autocomplete_fields = ("translation_of",)
    filter_horizontal = ("products",)
    readonly_fields = ("author", "created_at", "updated_at", "published_at")
    inlines = [AttachmentInline, RevisionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        obj.updated_by, obj.updated_at = request.user, timezone.now()
        if obj.status == Article.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = obj.updated_at
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The same bookkeeping as the editor: sanitised HTML, a revision, fresh search columns.
        services.article_saved(form.instance, actor=request.user)


@admin.register(TicketArticleLink)
class TicketArticleLinkAdmin(admin.ModelAdmin):
    list_display = ("ticket", "article", "linked_by", "created_at")
    list_select_related = ("ticket", "article", "linked_by")
    raw_id_fields = ("ticket", "article")
