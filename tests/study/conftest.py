"""The data API fixtures (an app and three signed-in people) for the study tests."""

from tests.data.conftest import api  # noqa: F401  (a fixture, used by name)
