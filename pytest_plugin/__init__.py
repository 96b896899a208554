"""pytest fixtures for the Navixy/Dellin mock: ``mock_server``, ``mock``,
``mock_app``, ``mock_client``, ``webhook_receiver`` and ``mock_intercept``.

The plugin is registered through the ``pytest11`` entry point. The fixtures
are a thin layer over ``mockserver.testing``, which code outside pytest
imports directly.
"""
