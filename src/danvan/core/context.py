"""Who is acting and from where, carried through a request, an API call, a task or a command."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ActingContext:
    source: str = "system"  # web, api, task, command:<name>, system
    ip: str = ""


_current: contextvars.ContextVar[ActingContext | None] = contextvars.ContextVar(
    "danvan_acting_context", default=None
)


def current() -> ActingContext:
    return _current.get() or ActingContext()


@contextmanager
def acting(*, source: str, ip: str = "") -> Iterator[ActingContext]:
    """Mark everything audited inside the block as coming from `source` (and `ip`)."""
    token = _current.set(ActingContext(source=source, ip=ip))
    try:
        yield current()
    finally:
        _current.reset(token)
