"""Bulk scan of published articles: resumable, parallel, with reports per unit (``proofread scan``)."""

from .options import ScanOptions
from .run import ScanResult, run_scan
from .sources import Item, UnitMap, iter_items

__all__ = ["Item", "ScanOptions", "ScanResult", "UnitMap", "iter_items", "run_scan"]
