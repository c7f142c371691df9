"""``proofread serve``: a LanguageTool-compatible HTTP server, a native JSON API and a page for editors.

The web framework (FastAPI, uvicorn) is imported only by :mod:`proofread.serve.app`, so
importing :mod:`proofread` never needs it. ``pip install 'proofread[serve]'`` brings it.
"""
