"""Page arithmetic for the orders list: 1-based pages; an empty list still has
one (empty) page, and a page past the last is empty."""
from __future__ import annotations

from dataclasses import dataclass


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
        # past the end, the page before is the last one that has items (ours)
        return min(self.current - 1, self.total_pages) if self.current > 1 else None

    def metadata(self) -> dict:
        """The paging keys of the response's metadata (docs' names)."""
        return {"currentPage": self.current, "nextPage": self.next, "prevPage": self.prev, "totalPages": self.total_pages}


def total_pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def page_of(count: int, page: int, per_page: int) -> Page:
    """The page ``page`` of ``count`` items. A page past the last is empty, and
    says the real ``totalPages`` (the docs refuse only a bad ``perPage``)."""
    if page < 1 or per_page < 1:
        raise ValueError("page and perPage start at 1")
    return Page(page, per_page, total_pages(count, per_page))
