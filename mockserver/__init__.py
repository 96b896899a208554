"""A stateful contract-test mock of the Navixy delivery-session and Dellin
webhook APIs."""

__all__ = ["create_app", "MockConfig"]
__version__ = "0.1.0"


def create_app(config=None, **overrides):
    # imported lazily so that ``import mockserver`` (e.g. by the pytest plugin) stays light
    from .app import create_app as _create_app

    return _create_app(config, **overrides)


def __getattr__(name):
    # ``mockserver.MockConfig`` on first use: importing a submodule (the
    # server, the CLI) does not pay for the settings' imports
    if name == "MockConfig":
        from .config import MockConfig

        return MockConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
