"""Input readers: a document's bytes → the text to check, chosen by its file suffix.

``check``, ``scan`` (and anything else that reads files) ask this registry. Every
module of this package is imported here and registers its formats with
:func:`reader` or :func:`unsupported`, so adding a format is one new module.
"""

from __future__ import annotations

import importlib
import pkgutil

from .registry import (
    MAX_BYTES,
    READERS,
    UNSUPPORTED,
    Reader,
    document_text,
    read_article,
    read_document,
    read_page,
    reader,
    reader_for,
    scanned_suffixes,
    unsupported,
)

__all__ = [
    "MAX_BYTES",
    "READERS",
    "UNSUPPORTED",
    "Reader",
    "document_text",
    "read_article",
    "read_document",
    "read_page",
    "reader",
    "reader_for",
    "scanned_suffixes",
    "unsupported",
]

for _format in pkgutil.iter_modules(__path__):
    if _format.name != "registry":
        importlib.import_module(f"{__name__}.{_format.name}")
