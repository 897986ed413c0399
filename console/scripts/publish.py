"""Publish console/dist to a deployed stack: its files and config.json to ConsoleBucket, then a CloudFront refresh.

The config is written from the stack's outputs, so one build serves every stage:
    python console/scripts/publish.py --stack propdesk-dev [--region us-east-1]
    python console/scripts/publish.py --local .local     # the running local stack: its outputs, its S3 on moto
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

DIST = Path(__file__).resolve().parents[1] / "dist"
# Hashed assets never change under their name; index.html and config.json must be re-read on every visit.
IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "no-cache"
LOCAL_REGION = "us-east-1"  # the local stack's region (local/runtime.py)


def console_config(outputs: dict[str, str], region: str, timezone: str) -> dict[str, Any]:
    """What the app reads at /config.json on AWS: the API, and the hosted UI it signs in through (code + PKCE)."""
    pool = outputs["UserPoolId"]
    return {
        "mode": "cognito",
        "apiUrl": outputs["ApiUrl"],
        "authority": f"https://cognito-idp.{region}.amazonaws.com/{pool}",
        "clientId": outputs["UserPoolClientId"],
        "hostedUiUrl": f"https://{outputs['HostedUiDomain']}",
        "timezone": timezone,
    }


@dataclass(frozen=True, slots=True)
class Target:
    """Where to publish: a stack's outputs, and the AWS session (or local endpoint) that reaches its resources."""

    outputs: dict[str, str]
    session: boto3.session.Session
    endpoint_url: str | None = None

    @classmethod
    def deployed(cls, stack: str, region: str) -> Target:
        session = boto3.session.Session(region_name=region)
        described = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
        return cls({o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}, session)

    @classmethod
    def local(cls, state: Path) -> Target:
        """The stack `make local` runs (its stack.json): moto stands for S3 and CloudFront's API."""
        path = state / "stack.json"
        if not path.exists():
            raise SystemExit(f"no local stack is running (no {path}); start one with `make local`")
        info = json.loads(path.read_text(encoding="utf-8"))
        session = boto3.session.Session(
            region_name=LOCAL_REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106
        )
        return cls(info["outputs"], session, info["moto_url"])

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint_url)


def publish(target: Target, timezone: str, dist: Path = DIST) -> str:
    outputs = target.outputs
    bucket = outputs["ConsoleBucketName"]
    s3 = target.client("s3")
    if not (dist / "index.html").exists():
        raise SystemExit(f"{dist} has no index.html: run `make console` first")
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = path.relative_to(dist).as_posix()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = IMMUTABLE if key.startswith("assets/") else FRESH
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": content_type, "CacheControl": cache})
    config = console_config(outputs, target.session.region_name, timezone)
    body = json.dumps(config, indent=2).encode()
    s3.put_object(Bucket=bucket, Key="config.json", Body=body, ContentType="application/json", CacheControl=FRESH)
    target.client("cloudfront").create_invalidation(
        DistributionId=outputs["ConsoleDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
            "CallerReference": f"publish-{time.time_ns()}",
        },
    )
    url: str = outputs["ConsoleUrl"]
    return url


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="a deployed CloudFormation stack")
    where.add_argument("--local", type=Path, metavar="STATE", help="the running local stack's state folder")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--timezone", default="Asia/Shanghai", help="shown to residents (they see no property)")
    args = parser.parse_args()
    target = Target.local(args.local) if args.local else Target.deployed(args.stack, args.region)
    print(f"the console is at {publish(target, args.timezone)}")
