"""Attachments on S3: presigned uploads so photos never pass through Lambda."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(signature_version="s3v4"))


def presign_upload(bucket: str, key: str, content_type: str, expires_seconds: int = 900) -> str:
    return str(
        _client().generate_presigned_url(
            "put_object",
            Params={"Bucket": bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=expires_seconds,
        )
    )


def presign_download(bucket: str, key: str, expires_seconds: int = 900) -> str:
    return str(
        _client().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_seconds)
    )
