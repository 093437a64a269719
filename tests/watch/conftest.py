"""Fixtures for the screening engine: one model trained from the seed corpus per test session."""

from __future__ import annotations

import pytest

from gugus.watch import model as watch_model
from gugus.watch.screening import Screener


@pytest.fixture(scope="session")
def trained_model():
    # Trained explicitly (not loaded from DATA_DIR) so the tests do not depend on a saved file.
    return watch_model.train(n_seed=4000)


@pytest.fixture
def screener(trained_model):
    return Screener(model=trained_model)
