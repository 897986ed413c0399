"""The books' scenario tests share the API tests' guards: no Scan, never a 5xx."""

from tests.integration.api.conftest import ddb, never_a_500, shared_botocore_data

__all__ = ["ddb", "never_a_500", "shared_botocore_data"]
