"""The shipped statistical spelling model (``models/charlm``) and the code that builds it.

``corrector.SpellingModel`` proposes corrections; ``python -m proofread.model.build`` rebuilds
the model from ``shared/data``. Nothing here is imported by ``import proofread``: the model
loads on the first check that needs it.
"""
