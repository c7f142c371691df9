"""The subcommands of the ``proofread`` command line, one module each (``cli`` dispatches)."""
