# Registered at the root: pytest reads plugins only from the top-level conftest.
pytest_plugins = ["mpconform.pytest_plugin"]
