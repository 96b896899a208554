"""A stateful contract-test mock of the Navixy delivery-session and Dellin
webhook APIs."""
from .config import MockConfig

__all__ = ["create_app", "MockConfig"]
__version__ = "0.1.0"


def create_app(config=None, **overrides):
    # imported lazily so that ``import mockserver`` (e.g. by the pytest plugin) stays light
    from .app import create_app as _create_app

    return _create_app(config, **overrides)
