"""proofread: proofreading of Chinese official text."""

from .dictionaries import DictionaryError
from .finding import Finding, Severity, apply_findings
from .pipeline import Proofreader

__all__ = ["DictionaryError", "Finding", "Proofreader", "Severity", "apply_findings"]
__version__ = "0.2.0"
