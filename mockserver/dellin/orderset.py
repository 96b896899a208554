"""An insertion-ordered set of order numbers built for large subscriptions.

- membership, add and discard: O(1) on average (a dict);
- the k-th element, hence any page: O(log n) to find it, then O(page size);
- memory: each number is stored once, plus one dict entry and one list
  slot; there is no per-number node object. A number in canonical decimal
  form (digits, no leading zero, as Dellin's are) is kept as an int, which
  takes half the memory of its str; it reads back as the same str.

The numbers live in blocks of up to ``BLOCK`` strings, in insertion order.
The dict maps a number to the block that holds it (a shared reference, so it
costs no allocation per number), and a Fenwick tree over the block sizes
answers "which block holds the k-th number" without walking from the start.
Discarding removes the number from its block; when the blocks become mostly
empty they are packed again (amortised O(1) per discard).
"""
from __future__ import annotations

from typing import Iterable, Iterator

BLOCK = 256
_MAX_INT_DIGITS = 18  # beyond this an int is no smaller than the str


def _encode(number: str):
    """The stored form: an int for canonical decimal numbers, else the str itself.
    The two never collide: a str is stored as a str only when it is not canonical."""
    if len(number) <= _MAX_INT_DIGITS and number.isascii() and number.isdigit() and number[0] != "0":
        return int(number)
    return number


def _decode(key) -> str:
    return key if type(key) is str else str(key)


class _Block:
    __slots__ = ("items", "index")

    def __init__(self, index: int):
        self.items: list[str] = []
        self.index = index


class _Fenwick:
    """Prefix sums over block sizes, with "find the k-th item" by binary lifting."""

    __slots__ = ("_tree", "_counts", "_capacity")

    def __init__(self):
        self._counts: list[int] = []
        self._capacity = 1
        self._tree = [0, 0]

    def append(self, value: int = 0) -> None:
        self._counts.append(value)
        if len(self._counts) > self._capacity:
            self._rebuild(self._capacity * 2)
        elif value:
            self.add(len(self._counts) - 1, value)

    def _rebuild(self, capacity: int) -> None:
        tree = [0] * (capacity + 1)
        for i, count in enumerate(self._counts, start=1):
            tree[i] += count
            parent = i + (i & -i)
            if parent <= capacity:
                tree[parent] += tree[i]
        self._capacity, self._tree = capacity, tree

    def add(self, index: int, delta: int) -> None:
        self._counts[index] += delta
        i, tree, capacity = index + 1, self._tree, self._capacity
        while i <= capacity:
            tree[i] += delta
            i += i & -i

    def find(self, k: int) -> tuple[int, int]:
        """(block index, offset in it) of the k-th item, 0-based; k < total."""
        position, remaining, step, tree = 0, k, self._capacity, self._tree
        while step:
            nxt = position + step
            if nxt <= self._capacity and tree[nxt] <= remaining:
                position, remaining = nxt, remaining - tree[nxt]
            step >>= 1
        return position, remaining

    def reset(self, counts: list[int]) -> None:
        self._counts = list(counts)
        capacity = 1
        while capacity < len(self._counts):
            capacity *= 2
        self._rebuild(capacity)


class OrderSet:
    """Order numbers in the order they were first added, without repeats."""

    __slots__ = ("_where", "_blocks", "_sizes")

    def __init__(self, numbers: Iterable[str] = ()):
        self._where: dict[int | str, _Block] = {}
        self._blocks: list[_Block] = []
        self._sizes = _Fenwick()
        for number in numbers:
            self.add(number)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, number) -> bool:
        return isinstance(number, str) and bool(number) and _encode(number) in self._where

    def __iter__(self) -> Iterator[str]:
        # a snapshot per block, so a concurrent change cannot break the loop
        for block in list(self._blocks):
            yield from map(_decode, list(block.items))

    def __eq__(self, other) -> bool:
        if isinstance(other, OrderSet):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        head = self.slice(0, 5)
        more = ", ..." if len(self) > len(head) else ""
        return f"OrderSet([{', '.join(map(repr, head))}{more}], size={len(self)})"

    def add(self, number: str) -> bool:
        """Append ``number``; False (and no move) when it is already there."""
        if not isinstance(number, str) or not number:
            raise TypeError(f"an order number is a non-empty str, not {number!r}")
        key = _encode(number)
        if key in self._where:
            return False
        block = self._blocks[-1] if self._blocks and len(self._blocks[-1].items) < BLOCK else self._new_block()
        block.items.append(key)
        self._where[key] = block
        self._sizes.add(block.index, 1)
        return True

    def discard(self, number: str) -> bool:
        """Remove ``number``; False when it was not there."""
        if number not in self:
            return False
        key = _encode(number)
        block = self._where.pop(key)
        block.items.remove(key)  # at most BLOCK comparisons
        self._sizes.add(block.index, -1)
        if len(self._blocks) > 4 and len(self._where) * 4 < len(self._blocks) * BLOCK:
            self._pack()
        return True

    def slice(self, start: int, count: int) -> list[str]:
        """Up to ``count`` numbers from position ``start`` (0-based)."""
        out: list[str] = []
        total = len(self._where)
        position = max(start, 0)
        while len(out) < count and position < total:
            block_index, offset = self._sizes.find(position)
            taken = self._blocks[block_index].items[offset : offset + count - len(out)]
            out.extend(map(_decode, taken))
            position += len(taken)
        return out

    def _new_block(self) -> _Block:
        block = _Block(len(self._blocks))
        self._blocks.append(block)
        self._sizes.append(0)
        return block

    def _pack(self) -> None:
        """Refill the blocks so that all but the last are full."""
        keys = [key for block in self._blocks for key in block.items]
        self._where.clear()
        self._blocks = []
        for start in range(0, len(keys), BLOCK):
            block = _Block(len(self._blocks))
            block.items = keys[start : start + BLOCK]
            self._blocks.append(block)
            for key in block.items:
                self._where[key] = block
        self._sizes.reset([len(b.items) for b in self._blocks])
