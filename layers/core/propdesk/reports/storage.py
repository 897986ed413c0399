"""The reports bucket: put and get report files, presign the HTML; the client is built on first use."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


@cache
def _client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(signature_version="s3v4"))


def _type_of(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def put_text(bucket: str, key: str, text: str) -> None:
    _client().put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType=_type_of(key))


def put_file(bucket: str, key: str, path: Path) -> None:
    """Upload a spooled file; large reports never sit whole in memory."""
    _client().upload_file(str(path), bucket, key, ExtraArgs={"ContentType": _type_of(key)})


def get_text(bucket: str, key: str) -> str | None:
    client = _client()
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
    except client.exceptions.NoSuchKey:
        return None
    return str(body.read().decode("utf-8"))


def list_keys(bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in _client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(obj["Key"] for obj in page.get("Contents", []))
    return sorted(keys)


def list_names(bucket: str, folder: str, *, after: str = "") -> list[str]:
    """The names of the files directly in a folder (not in its subfolders), sorted; only those after `after`."""
    names: list[str] = []
    pages = (
        _client()
        .get_paginator("list_objects_v2")
        .paginate(Bucket=bucket, Prefix=folder, Delimiter="/", StartAfter=after or folder)
    )
    for page in pages:
        names.extend(obj["Key"].removeprefix(folder) for obj in page.get("Contents", []))
    return sorted(names)


def exists(bucket: str, key: str) -> bool:
    client = _client()
    try:
        client.head_object(Bucket=bucket, Key=key)
    except client.exceptions.ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def size(bucket: str, key: str) -> int | None:
    """The object's size in bytes, None when there is none (one HEAD request)."""
    client = _client()
    try:
        return int(client.head_object(Bucket=bucket, Key=key)["ContentLength"])
    except client.exceptions.ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def presign(bucket: str, key: str, expires_seconds: int = 900) -> str:
    return str(
        _client().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_seconds)
    )
