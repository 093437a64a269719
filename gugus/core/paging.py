"""Pages without a COUNT(*): on a national registry an exact count of every match costs more than the page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_of(queryset, page: str | int | None, size: int) -> Page:
    """Rows of page ``page`` (1-based; anything unreadable is page 1), fetching one extra row to learn
    whether a next page exists."""
    try:
        number = max(1, int(page or 1))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start:start + size + 1])
    return Page(object_list=rows[:size], number=number, has_next=len(rows) > size)
