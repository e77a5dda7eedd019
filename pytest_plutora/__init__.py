"""pytest_plutora: the pytest plugin of robotframework-plutora."""
