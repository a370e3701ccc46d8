"""Pages of long lists that do not count a national registry to show fifty names."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

# Beyond this many rows a list says "more than" instead of counting them all: counting a
# million scoped rows costs a second, and nobody pages through two hundred pages.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_CAP + 1; `capped` tells the template so."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        if hasattr(rows, "values"):  # only the keys: what a page shows is for its own rows
            rows = rows.values("pk").order_by()
        return int(rows[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap


class KeysFirstPaginator(CappedPaginator):
    """A CappedPaginator that finds a page's keys first, then reads those rows. Finding the
    keys can walk an index alone (a covering index holds what the filter reads); reading
    whole rows while walking means a table page for every row the filter turns away:
    hundreds of thousands for the commonest names in a national registry."""

    def page(self, number: Any) -> Any:
        page = super().page(number)
        rows, every = page.object_list, self.object_list
        if isinstance(rows, QuerySet) and isinstance(every, QuerySet):
            keys = list(rows.values_list("pk", flat=True))
            found = every.filter(pk__in=keys).in_bulk()
            page.object_list = [found[key] for key in keys if key in found]
        return page
