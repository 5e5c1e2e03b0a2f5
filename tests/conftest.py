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


class _RootIsNotATestPackage:
    """The repository root is the package ``chainrule`` (it has an ``__init__.py``), so pytest would
    import it as a test package named after the checkout's folder, which fails when that name is
    not an identifier (``wt-pkg``, ``chainrule-main``): collect the root as a plain folder."""

    def __init__(self, root):
        self.root = root

    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path, parent):
        if path == self.root:
            return pytest.Dir.from_parent(parent, path=path)
        return None


def pytest_configure(config):
    # registered as a plugin, not a conftest hook, so that it also sees the root folder
    config.pluginmanager.register(_RootIsNotATestPackage(config.rootpath), "chainrule-root-dir")


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
