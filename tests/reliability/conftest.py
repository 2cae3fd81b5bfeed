"""Fixtures the reliability tests share: one tiny trained run and one digit image per module."""

import pytest
from tiny_run import digit_png, trained_run


@pytest.fixture(scope="module")
def source_run(tmp_path_factory):
    return trained_run(tmp_path_factory)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    return digit_png(tmp_path_factory)
