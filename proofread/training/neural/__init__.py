"""Training pipeline of the small neural character corrector (see ``train``)."""
