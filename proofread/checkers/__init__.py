"""Pipeline components. Importing a module registers its components."""
from . import dictionary_rules, protected_terms  # noqa: F401  (registration)
from . import formulation_near_miss, idiom_near_miss  # noqa: F401  (registration)
from .base import REGISTRY, Checker, Component, Guard, Sentence, default_components, register

__all__ = ["REGISTRY", "Checker", "Component", "Guard", "Sentence", "default_components", "register"]
