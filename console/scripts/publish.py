"""Publish console/dist to a deployed stack: its files and config.json to ConsoleBucket, then a CloudFront refresh.

The config is written from the stack's outputs, so one build serves every stage:
    python console/scripts/publish.py --stack propdesk-dev [--region us-east-1]
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import time
from pathlib import Path
from typing import Any

import boto3

DIST = Path(__file__).resolve().parents[1] / "dist"
# Hashed assets never change under their name; index.html and config.json must be re-read on every visit.
IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "no-cache"


def console_config(outputs: dict[str, str], region: str, timezone: str) -> dict[str, Any]:
    """What the app reads at /config.json on AWS: the API, and the hosted UI it signs in through (code + PKCE)."""
    pool = outputs["UserPoolId"]
    return {
        "mode": "cognito",
        "apiUrl": outputs["ApiUrl"],
        "authority": f"https://cognito-idp.{region}.amazonaws.com/{pool}",
        "clientId": outputs["UserPoolClientId"],
        "hostedUiDomain": outputs["HostedUiDomain"],
        "timezone": timezone,
    }


def publish(stack: str, region: str, timezone: str, dist: Path = DIST) -> str:
    session = boto3.session.Session(region_name=region)
    described = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs: dict[str, str] = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    bucket = outputs["ConsoleBucketName"]
    s3 = session.client("s3")
    if not (dist / "index.html").exists():
        raise SystemExit(f"{dist} has no index.html: run `make console` first")
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = path.relative_to(dist).as_posix()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = IMMUTABLE if key.startswith("assets/") else FRESH
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": content_type, "CacheControl": cache})
    body = json.dumps(console_config(outputs, region, timezone), indent=2).encode()
    s3.put_object(Bucket=bucket, Key="config.json", Body=body, ContentType="application/json", CacheControl=FRESH)
    session.client("cloudfront").create_invalidation(
        DistributionId=outputs["ConsoleDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
            "CallerReference": f"publish-{time.time_ns()}",
        },
    )
    url: str = outputs["ConsoleUrl"]
    return url


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--timezone", default="Asia/Shanghai", help="shown to residents (they see no property)")
    args = parser.parse_args()
    print(f"the console is at {publish(args.stack, args.region, args.timezone)}")
