"""Page arithmetic for the orders list: 1-based pages, and an empty list
still has one (empty) page, so ``currentPage <= totalPages`` always holds."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import DellinError
from . import codes


@dataclass(frozen=True)
class Page:
    current: int
    per_page: int
    total_pages: int

    @property
    def offset(self) -> int:
        return (self.current - 1) * self.per_page

    @property
    def next(self) -> int | None:
        return self.current + 1 if self.current < self.total_pages else None

    @property
    def prev(self) -> int | None:
        return self.current - 1 if self.current > 1 else None

    def metadata(self) -> dict:
        """The paging keys of the response's metadata (docs' names)."""
        return {"currentPage": self.current, "nextPage": self.next, "prevPage": self.prev, "totalPages": self.total_pages}


def total_pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def page_of(count: int, page: int, per_page: int) -> Page:
    """The page ``page`` of ``count`` items; past the last page is an error."""
    if page < 1 or per_page < 1:
        raise ValueError("page and perPage start at 1")
    pages = total_pages(count, per_page)
    if page > pages:
        raise DellinError.of(
            codes.PAGE_OUT_OF_RANGE,
            f"page {page} is past the last page: {count} orders at perPage {per_page} make {pages} page(s)",
            ["page"],
            bad_values=[page],
        )
    return Page(page, per_page, pages)
