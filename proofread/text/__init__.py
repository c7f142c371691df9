"""Text stages: extraction from files, normalisation, sentence splitting."""

from .normalize import NormalizedText, normalize
from .sentences import split_sentences

__all__ = ["NormalizedText", "normalize", "split_sentences"]
