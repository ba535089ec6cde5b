"""Synthetic data generators, one per app, run in order by `danvan generate`.

An app adds its records by putting a `generators.py` module in its package:

    from danvan.core.demo.registry import GenerationRun, register

    @register("initiatives", order=200)
    def generate_models(run: GenerationRun) -> dict[str, int]:
        rng = run.rng("initiatives")
        for commune_chunk in run.chunked(run.communes, 200):
            ...  # build objects, Model.objects.bulk_create(objs, batch_size=run.batch_size)
        return {"models": created}

Each generator gets its own seeded random stream (`run.rng(name)`), so adding a generator never
changes what the others produce. Generators must be idempotent: look up what exists by a natural
key and insert only the rest, so a second run adds nothing and a national run completes a
province run instead of duplicating it.
"""

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any, TextIO

from django.utils.module_loading import autodiscover_modules

SCALES = ("demo", "province", "national")


@dataclass
class GenerationRun:
    scale: str
    seed: int
    provinces: list  # current-era Territory rows to populate
    communes: list  # their current-era communes
    actor: Any  # the system administrator the audit trail names
    password: str  # shared by every generated user
    out: TextIO | None = None
    batch_size: int = 2000
    counts: dict[str, int] = field(default_factory=dict)

    @cached_property
    def password_hash(self) -> str:
        """Hashing is deliberately slow; one hash serves every generated account."""
        from django.contrib.auth.hashers import make_password

        return make_password(self.password)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")  # noqa: S311

    @staticmethod
    def chunked(items: Iterable, size: int) -> Iterator[list]:
        iterator = iter(items)
        while chunk := list(islice(iterator, size)):
            yield chunk

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message + "\n")
            self.out.flush()


Generator = Callable[[GenerationRun], dict[str, int]]


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    func: Generator


@dataclass
class GeneratorResult:
    name: str
    counts: dict[str, int]
    seconds: float


_REGISTRY: dict[str, Registered] = {}


def register(name: str, *, order: int = 100) -> Callable[[Generator], Generator]:
    """Add a generator; lower `order` runs first (core's organisations and users use 10 and 20)."""

    def decorate(func: Generator) -> Generator:
        _REGISTRY[name] = Registered(name, order, func)
        return func

    return decorate


def registered() -> list[Registered]:
    # Core's own generators, then every installed app's `generators` module.
    from danvan.core.demo import generators  # noqa: F401

    autodiscover_modules("generators")
    return sorted(_REGISTRY.values(), key=lambda r: (r.order, r.name))


def run_all(run: GenerationRun, *, only: Iterable[str] | None = None) -> list[GeneratorResult]:
    """Run the registered generators in order; with `only`, just the ones named there."""
    wanted = set(only) if only is not None else None
    results = []
    for item in registered():
        if wanted is not None and item.name not in wanted:
            continue
        started = time.perf_counter()
        counts = item.func(run) or {}
        results.append(GeneratorResult(item.name, counts, time.perf_counter() - started))
    return results
