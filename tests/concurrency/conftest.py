from collections.abc import Iterator

import pytest
from flask import Flask

from tests.servers import serving


@pytest.fixture
def live_app(app: Flask) -> Iterator[str]:
    """The app served from a thread, on the test's database; yields its base URL."""
    with serving(app) as base_url:
        yield base_url
