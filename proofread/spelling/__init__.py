"""Spelling models at run time: what ships and runs when a text is checked.

``model.SpellingModel`` (the shipped n-gram model, ``models/charlm``) and ``hf.HFCorrector``
(a local Hugging Face model) both satisfy ``correction.Corrector`` and return
``correction.Correction``; ``windows.WindowedCorrector`` adds windowing, caching and threads.
Nothing here imports :mod:`proofread.training`, and ``import proofread`` imports nothing here:
a model loads on the first check that needs it.
"""
