"""Shared test settings: a hypothesis profile that keeps the suite fast on 2 cores."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "chainrule",
    max_examples=int(os.environ.get("CHAINRULE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("chainrule")


@pytest.fixture(scope="module")
def server():
    """A playground server on an ephemeral port of 127.0.0.1, stopped after the module."""
    from chainrule.playground import make_server

    s = make_server(port=0)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def client(server):
    """An API client with a fresh small session on ``server``."""
    from playground_support import SMALL

    from chainrule.playground.client import Client

    c = Client(server.url)
    c.create(SMALL)
    return c
