"""Data access: the only package that talks to DynamoDB. The rest sees domain models."""
