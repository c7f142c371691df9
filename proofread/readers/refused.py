"""Formats people send that we do not read: each refused with what to do instead."""

from __future__ import annotations

from .registry import unsupported

unsupported(".doc", "old binary Word format; save it as .docx")
unsupported(".pdf", "PDF is not supported yet; export the text or save as .docx")
unsupported(".wps", "WPS format; save it as .docx")
