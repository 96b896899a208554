"""pytest fixtures for the Navixy/Dellin mock: ``mock_server``, ``mock``,
``mock_app``, ``mock_client``, ``webhook_receiver`` and ``mock_intercept``.

The plugin is registered through the ``pytest11`` entry point; this package
holds fixtures and their helpers only.
"""
