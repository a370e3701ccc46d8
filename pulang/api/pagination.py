from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from pulang.core.paging import CappedPaginator


class Pagination(PageNumberPagination):
    """Pages of 50; like the pages, the count stops at 10,001 (`count_capped` then says so)
    rather than counting a national registry for every page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = bool(self.page and self.page.paginator.capped)  # type: ignore[attr-defined]
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true when there are more rows than `count` says (it stops at 10,001)",
        }
        return result
