"""Extension points: named, documented registrations read in one order.

Source kinds, site outputs, finalizers and ``wenzheng`` subcommands are each an
``ExtensionPoint``. The core registers its own entries through the same
``register`` a plugin would call, so a plugin's output or command is found,
ordered and reported exactly like a core one. An unknown name is the user's
mistake (a typo in ``kind``, a command that is not installed): it raises
``UnknownName``, one Chinese line listing the valid names.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterator, TypeVar

from .errors import WenzhengError

T = TypeVar("T")


class UnknownName(WenzhengError, KeyError):
    """A name no entry of an extension point was registered under."""

    def __init__(self, noun: str, name: object, valid: list[str]):
        self.name, self.valid = name, valid
        super().__init__(f"未知的{noun} {name!r}（可用：{'、'.join(valid) or '无'}）")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registration: the object, what it does (one line) and the entries it must run before."""

    name: str
    target: T
    doc: str
    before: tuple[str, ...] = ()


class ExtensionPoint(Generic[T]):
    """Name -> object, in registration order except where ``before=`` asks to run earlier."""

    def __init__(self, noun: str, doc: str):
        self.noun, self.doc = noun, doc  # noun: what an entry is, in Chinese, for messages
        self._entries: dict[str, Entry[T]] = {}

    def register(self, name: str, target: T, doc: str, *, before: tuple[str, ...] = ()) -> T:
        """Add (or replace) ``name``; returns ``target`` so a registration can wrap a definition."""
        if not doc.strip() or "\n" in doc.strip():
            raise ValueError(f"{self.noun} {name!r}: doc must be one line")
        self._entries[name] = Entry(name, target, doc.strip(), tuple(before))
        return target

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def __getitem__(self, name: str) -> T:
        entry = self._entries.get(name)
        if entry is None:
            raise UnknownName(self.noun, name, self.names())
        return entry.target

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def names(self) -> list[str]:
        return [entry.name for entry in self.entries()]

    def entries(self) -> list[Entry[T]]:
        """Every entry in run order: registration order, each ``before`` target moved after its entry."""
        ordered: list[Entry[T]] = []
        placed: set[str] = set()

        def place(entry: Entry[T], visiting: frozenset[str]) -> None:
            if entry.name in placed:
                return
            if entry.name in visiting:
                raise ValueError(f"{self.noun}: 'before' loops through {entry.name!r}")
            # Whatever must run before this entry is placed first.
            for other in self._entries.values():
                if entry.name in other.before:
                    place(other, visiting | {entry.name})
            placed.add(entry.name)
            ordered.append(entry)

        for entry in self._entries.values():
            place(entry, frozenset())
        return ordered

    def targets(self) -> list[T]:
        return [entry.target for entry in self.entries()]
