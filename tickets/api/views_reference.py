"""Reference data (organisations, contacts, products, SLA policies) and knowledge-base articles:
read-only, cursor-paginated, each scoped to what its reader sees in the UI."""
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from customers import roles
from customers.models import Contact, Organization, Product, SlaPolicy
from tickets.api import serializers as s
from tickets.api.pagination import CursorPagination
from tickets.api.permissions import IsStaff, IsStaffOrCustomer, is_staff
from tickets.api.views import UserLanguage


class ReadOnly(UserLanguage, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffOrCustomer]
    filter_backends = []
    lookup_value_converter = "int"


class OrganizationViewSet(ReadOnly):
    """Staff: every organisation. A customer: their own."""
    serializer_class = s.OrganizationSerializer

    def get_queryset(self):
        qs = Organization.objects.all()
        if not is_staff(self.request):
            qs = qs.filter(pk=roles.customer_contact(self.request.user).organization_id)
        return qs


class ContactViewSet(ReadOnly):
    """Staff: every contact. An organisation's admin: its contacts. Other customers: themselves."""
    serializer_class = s.ContactSerializer

    def get_queryset(self):
        qs = Contact.objects.all()
        if not is_staff(self.request):
            me = roles.customer_contact(self.request.user)
            qs = qs.filter(organization_id=me.organization_id) if me.is_org_admin else qs.filter(pk=me.pk)
        if org := self.request.query_params.get("organization", "").strip():
            qs = qs.filter(organization_id=org) if org.isdigit() else qs.none()
        if q := self.request.query_params.get("q", "").strip():
            qs = qs.filter(Q(name__icontains=q) | Q(email__iexact=q))
        return qs

    @extend_schema(parameters=[OpenApiParameter("organization", int), OpenApiParameter("q", str, description="Name or email.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ProductViewSet(ReadOnly):
    serializer_class = s.ProductSerializer
    queryset = Product.objects.filter(is_active=True)


class SlaPolicyViewSet(ReadOnly):
    permission_classes = [IsStaff]
    serializer_class = s.SlaPolicySerializer
    queryset = SlaPolicy.objects.select_related("calendar").prefetch_related("targets")


class ArticlePagination(CursorPagination):
    ordering = ("-published_at", "-id")


class ArticleViewSet(ReadOnly):
    """Knowledge-base articles: customers read published public ones, staff internal ones too.
    With `q`, a full-text search (knowledge.selectors.article_search), best match first."""
    serializer_class = s.ArticleSerializer
    pagination_class = ArticlePagination

    def get_queryset(self):
        from knowledge.selectors import LIST_DEFER, article_scope
        from knowledge.models import Article

        return Article.objects.filter(article_scope(self.request.user)).select_related("category").defer(*LIST_DEFER)

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Search words (Persian or English)."),
                               OpenApiParameter("language", str, enum=["fa", "en"])])
    def list(self, request, *args, **kwargs):
        from knowledge.selectors import article_search

        query = request.query_params.get("q", "").strip()
        language = request.query_params.get("language") if request.query_params.get("language") in ("fa", "en") else None
        if not query:
            return super().list(request, *args, **kwargs)
        results = article_search(query, user=request.user, language=language, limit=20)
        # A search answers its best matches in one page, in the same envelope as every list.
        return Response({"next": None, "previous": None,
                         "results": s.ArticleSerializer(results, many=True, context={"request": request}).data})

    @extend_schema(responses=s.ArticleDetailSerializer)
    def retrieve(self, request, pk=None):
        from knowledge.selectors import article_get_for_reader

        article = article_get_for_reader(request.user, pk)
        return Response(s.ArticleDetailSerializer(article, context={"request": request}).data)
