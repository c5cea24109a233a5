import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _spanish():
    """Messages are asserted in Spanish, whatever language an earlier test's request left active."""
    with translation.override("es-cl"):
        yield
