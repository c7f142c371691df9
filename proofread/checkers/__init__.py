"""Pipeline components. Every module of this package is imported (importing registers its
components), then those of installed packages' ``proofread.checkers`` entry points."""

import importlib
import pkgutil
from importlib.metadata import entry_points

from .base import (
    REGISTRY,
    Checker,
    Component,
    Guard,
    Priority,
    Sentence,
    default_components,
    register,
    with_threads,
)

ENTRY_POINT_GROUP = "proofread.checkers"


def _discover() -> None:
    # Model checkers import their models only when used, so this stays cheap.
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        entry.load()


_discover()

__all__ = [
    "ENTRY_POINT_GROUP",
    "REGISTRY",
    "Checker",
    "Component",
    "Guard",
    "Priority",
    "Sentence",
    "default_components",
    "register",
    "with_threads",
]
