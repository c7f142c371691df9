"""Pipeline components. Importing a module registers its components."""

from . import (  # noqa: F401  (registration)  # noqa: F401  (registration)
    dictionary_rules,
    formulation_near_miss,
    hf_model,  # noqa: F401  (registration; loads torch only when used)
    idiom_near_miss,
    number_usage,
    protected_terms,
    punctuation,
    spelling_model,  # noqa: F401  (registration; the model loads on first use)
)
from .base import REGISTRY, Checker, Component, Guard, Sentence, default_components, register

__all__ = ["REGISTRY", "Checker", "Component", "Guard", "Sentence", "default_components", "register"]
