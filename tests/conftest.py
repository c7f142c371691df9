import pytest

from proofread import Proofreader


@pytest.fixture(scope="session")
def proofreader() -> Proofreader:
    """The default pipeline, built once for the whole test session (as users do)."""
    return Proofreader()
