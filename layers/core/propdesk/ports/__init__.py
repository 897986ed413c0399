"""Ports to AWS services other than DynamoDB; clients are built on first use, never at import."""
