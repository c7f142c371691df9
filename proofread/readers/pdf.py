"""PDF with a text layer (exported from Word or WPS): the text of its pages, one page after another."""

from __future__ import annotations

import io

from ..text.extract import InputError, first_line
from .registry import reader


@reader(".pdf")
def pdf_text(data: bytes, name: str) -> str:
    """Each page's text as pypdf extracts it, pages joined by a line break; offsets are into this text."""
    from pypdf import PdfReader  # imported here: only PDF needs it

    try:
        document = PdfReader(io.BytesIO(data))
        if document.is_encrypted and not document.decrypt(""):
            raise InputError(name, "encrypted PDF (a password is needed to read it)")
        pages = [(page.extract_text() or "").strip("\n") for page in document.pages]
    except InputError:
        raise
    except Exception as e:  # pypdf raises many types for a damaged file
        raise InputError(name, f"not a valid PDF file ({type(e).__name__}: {first_line(e)})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(name, "no text layer (scanned images); run OCR on it first, or send the original document")
    return text
