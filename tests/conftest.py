"""Test configuration shared by every test package."""

from tests.datasets import test_data

__all__ = ["test_data"]
