"""Pipeline components. Importing a module registers its components."""
from . import dictionary_rules, protected_terms  # noqa: F401  (registration)
from . import hf_model  # noqa: F401  (registration; loads torch only when used)
from . import formulation_near_miss, idiom_near_miss, number_usage, punctuation  # noqa: F401  (registration)
from . import spelling_model  # noqa: F401  (registration; the model loads on first use)
from .base import REGISTRY, Checker, Component, Guard, Sentence, default_components, register

__all__ = ["REGISTRY", "Checker", "Component", "Guard", "Sentence", "default_components", "register"]
