"""The article editor's form: it parses input; knowledge.services.article_save decides."""
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from knowledge.models import LANGUAGES, Article, Category
from tickets.forms import MultipleFileField, StyledForm


class ArticleForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.select_related("parent"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    translation_of = forms.ModelChoiceField(
        label=_("Translation of"), required=False, help_text=_("The original article in the other language, if this is its translation."),
        queryset=Article.objects.filter(translation_of__isnull=True).only("id", "title", "language").order_by("title"))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Article.Visibility.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Article.Status.choices)
    products = forms.ModelMultipleChoiceField(label=_("Products"), queryset=Product.objects.order_by("name"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    body = forms.CharField(label=_("Text (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 18, "dir": "auto"}))
    files = MultipleFileField(label=_("Images and files"), help_text=_("After saving, each file's Markdown appears below the editor."))

    def __init__(self, *args, article=None, **kwargs):
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": article.title, "category": article.category_id, "language": article.language,
                "translation_of": article.translation_of_id, "visibility": article.visibility, "status": article.status,
                "products": [p.pk for p in article.products.all()], "tags": ", ".join(article.tags), "body": article.body,
            }
        super().__init__(*args, **kwargs)
        if article is not None:
            self.fields["translation_of"].queryset = self.fields["translation_of"].queryset.exclude(pk=article.pk)
        self.fields["body"].widget.attrs["class"] += " font-monospace"

    def clean_tags(self):
        raw = self.cleaned_data["tags"].replace("،", ",")  # the Persian comma too
        return [t.strip() for t in raw.split(",") if t.strip()]


class PreviewForm(forms.Form):
    body = forms.CharField(required=False)
