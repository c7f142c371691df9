"""Building and training spelling models; never imported when a text is checked.

``python -m proofread.training.build`` rebuilds the shipped model (``models/charlm``) from
``shared/data``; ``python -m proofread.training.neural.train`` trains a small neural corrector
for :mod:`proofread.spelling.hf`. Run-time code lives in :mod:`proofread.spelling`.
"""
