"""Page-number pagination: ``count``, ``next``, ``previous``, ``results``.

``page`` and ``page_size`` are read strictly: a value that is not a whole number in range is a
400 with the field named, never a silent default (and the schema says the range).
"""

from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination

from core.errors import ValidationFailed

MAX_PAGE = 10**6


def _positive(request, name: str, most: int) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit() or not 1 <= int(values[0]) <= most:
        raise ValidationFailed({name: [_("A whole number from 1 to %(most)s.") % {"most": most}]})
    return int(values[0])


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        size = _positive(request, self.page_size_query_param, self.max_page_size)
        return size if size is not None else self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        _positive(request, self.page_query_param, MAX_PAGE)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            most = MAX_PAGE if parameter["name"] == self.page_query_param else self.max_page_size
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": most}
        return parameters
