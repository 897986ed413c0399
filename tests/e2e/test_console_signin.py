"""Signing in to the console as on AWS, against the local stack: authorization code with PKCE through the hosted
UI's endpoints (/oauth2/authorize, /oauth2/token, /logout, the discovery document, the JWKS), and
`make publish-console` uploading the built console to the stack's ConsoleBucket and invalidating its
distribution (a record on moto: nothing serves it here)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import jwt
import pytest
import requests

from tests.e2e.conftest import ROOT
from tests.e2e.console_kit import AXE, DESKTOP, OUTPUT, browser, playwright, stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

__all__ = ["browser", "stack"]  # the module's fixtures

SIGN_OUT = re.compile("退出|Sign out")


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge, as RFC 7636 appendix B computes them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def client_id(stack: dict[str, Any]) -> str:
    found: str = stack["outputs"]["UserPoolClientId"]
    return found


def code_for(stack: dict[str, Any], user: str, challenge: str, redirect_uri: str | None = None) -> str:
    """The login page's answer when `user` is picked: a redirect back to the console carrying the code."""
    url = stack["console_url"]
    query = {
        "client_id": client_id(stack),
        "redirect_uri": redirect_uri or f"{url}/",
        "response_type": "code",
        "scope": "openid email profile",
        "state": "st-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = requests.get(f"{url}/oauth2/authorize", params=query, timeout=10)
    assert page.status_code == 200, page.text
    picked = requests.post(
        f"{url}/oauth2/authorize", params=query, data={"user": user}, allow_redirects=False, timeout=10
    )
    assert picked.status_code == 302, picked.text
    back = urlsplit(picked.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == query["redirect_uri"]
    answer = parse_qs(back.query)
    assert answer["state"] == ["st-1"]
    return answer["code"][0]


def exchange(stack: dict[str, Any], code: str, verifier: str | None, redirect_uri: str | None = None) -> Any:
    form = {
        "grant_type": "authorization_code",
        "client_id": client_id(stack),
        "code": code,
        "redirect_uri": redirect_uri or f"{stack['console_url']}/",
    }
    if verifier is not None:
        form["code_verifier"] = verifier
    return requests.post(f"{stack['console_url']}/oauth2/token", data=form, timeout=10)


def test_a_desk_agent_signs_in_through_the_hosted_ui_and_out_again(stack: dict[str, Any], browser: Any) -> None:
    url = stack["console_url"]
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    asked: list[tuple[str, str]] = []
    problems: list[str] = []
    page.on("request", lambda r: asked.append((r.method, r.url)) if "/oauth2/" in r.url or "/logout" in r.url else None)
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.method} {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    try:
        # Given nobody is signed in: opening the console leads to the hosted UI's login page with the demo users
        page.goto(url)
        page.locator("[data-user='desk']").wait_for()
        playwright.expect(page.get_by_role("heading", level=1)).to_have_text("选择演示用户 · Pick a demo user")
        playwright.expect(page.locator("[data-user='desk']")).to_contain_text("李娜")
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / "signin-hosted-ui.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
        # ...asked for by oidc-client-ts with the app client, the console's address, code and an S256 challenge
        sent = parse_qs(urlsplit(asked[0][1]).query)
        assert {k: v[0] for k, v in sent.items() if k not in ("state", "code_challenge")} == {
            "client_id": client_id(stack),
            "redirect_uri": f"{url}/",
            "response_type": "code",
            "scope": "openid email profile",
            "code_challenge_method": "S256",
        }
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", sent["code_challenge"][0])
        # When 李娜 picks herself
        page.locator("[data-user='desk']").click()
        # Then she is back on the console, signed in as the desk agent, with the code gone from the address bar
        page.get_by_role("button", name=SIGN_OUT).wait_for()
        playwright.expect(page.locator("header .who")).to_have_text("李娜 · 客服")
        assert page.url == f"{url}/"
        # When she signs out once her queue is on the screen, the hosted UI's /logout sends her back, and the
        # console on to the login page again
        page.wait_for_load_state("networkidle")
        page.get_by_role("button", name=SIGN_OUT).click()
        page.locator("[data-user='technician']").wait_for()
        assert urlsplit(page.url).path == "/oauth2/authorize"
        assert page.evaluate("sessionStorage.getItem('propdesk.session')") is None
        # ...by way of /logout, with nothing refused or broken on the way
        assert [f"{method} {urlsplit(url).path}" for method, url in asked] == [
            "GET /oauth2/authorize",
            "POST /oauth2/authorize",
            "POST /oauth2/token",
            "GET /logout",
            "GET /oauth2/authorize",
        ]
        assert problems == []
    finally:
        context.close()


def test_the_token_endpoint_holds_to_pkce_one_use_codes_and_the_registered_address(stack: dict[str, Any]) -> None:
    url = stack["console_url"]
    verifier, challenge = pkce()
    code = code_for(stack, "technician", challenge)

    # A code with a wrong verifier, or none, is refused
    wrong = exchange(stack, code, pkce()[0])
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    missing = exchange(stack, code, None)
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    # ...and one sent back to another address than it was issued for
    elsewhere = exchange(stack, code, verifier, redirect_uri="http://localhost:3000/")
    assert (elsewhere.status_code, elsewhere.json()["error"]) == (400, "invalid_grant")

    # The right verifier gets the technician's tokens, which the API takes
    tokens = exchange(stack, code, verifier)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    work = requests.get(f"{url}/api/me/work", headers={"Authorization": f"Bearer {body['id_token']}"}, timeout=10)
    assert work.status_code == 200, work.text
    # ...once: the same code again is refused
    again = exchange(stack, code, verifier)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")

    # The ID token is Cognito's shape, signed by a key of the JWKS the discovery document names
    discovery = requests.get(f"{url}/.well-known/openid-configuration", timeout=10).json()
    issuer = next(api["issuer"] for api in stack["apis"].values() if api["issuer"])
    assert discovery["issuer"] == issuer
    assert discovery["token_endpoint"] == f"{url}/oauth2/token"
    keys = jwt.PyJWKSet.from_dict(requests.get(discovery["jwks_uri"], timeout=10).json())
    header = jwt.get_unverified_header(body["id_token"])
    key = next(k for k in keys.keys if k.key_id == header["kid"])
    claims = jwt.decode(body["id_token"], key.key, algorithms=["RS256"], audience=client_id(stack), issuer=issuer)
    assert (claims["token_use"], claims["cognito:username"], claims["cognito:groups"]) == (
        "id",
        "technician",
        ["technician"],
    )
    access = jwt.decode(body["access_token"], key.key, algorithms=["RS256"], issuer=issuer)
    assert (access["token_use"], access["client_id"], access["scope"]) == (
        "access",
        client_id(stack),
        "openid email profile",
    )


def test_the_hosted_ui_sends_nobody_to_an_address_the_app_client_does_not_list(stack: dict[str, Any]) -> None:
    url = stack["console_url"]
    query = {"client_id": client_id(stack), "response_type": "code", "code_challenge": pkce()[1]}
    query |= {"code_challenge_method": "S256", "redirect_uri": "https://elsewhere.example/"}

    sign_in = requests.get(f"{url}/oauth2/authorize", params=query, allow_redirects=False, timeout=10)
    picked = requests.post(
        f"{url}/oauth2/authorize", params=query, data={"user": "desk"}, allow_redirects=False, timeout=10
    )
    sign_out = requests.get(
        f"{url}/logout",
        params={"client_id": client_id(stack), "logout_uri": "https://elsewhere.example/"},
        allow_redirects=False,
        timeout=10,
    )

    assert (sign_in.status_code, "location" in sign_in.headers) == (400, False)
    assert "Redirect URI https://elsewhere.example/ is not supported by client." in sign_in.text
    assert (picked.status_code, "location" in picked.headers) == (400, False)
    assert (sign_out.status_code, "location" in sign_out.headers) == (400, False)


def test_publish_console_uploads_the_build_and_its_config_to_the_stacks_console_bucket(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    # Given the running stack's stack.json, as `make publish-console CONSOLE_STACK=local` reads it
    (tmp_path / "stack.json").write_text(json.dumps(stack), encoding="utf-8")
    publish = [sys.executable, "console/scripts/publish.py", "--local", str(tmp_path)]

    done = subprocess.run(publish, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"the console is at {stack['outputs']['ConsoleUrl']}"
    aws = boto3.session.Session(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    s3 = aws.client("s3", endpoint_url=stack["moto_url"])
    bucket = stack["outputs"]["ConsoleBucketName"]
    dist = ROOT / "console" / "dist"
    built = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    listed = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert listed == sorted([*built, "config.json"])
    index = s3.get_object(Bucket=bucket, Key="index.html")
    assert (index["Body"].read(), index["ContentType"], index["CacheControl"]) == (
        (dist / "index.html").read_bytes(),
        "text/html",
        "no-cache",
    )
    script = next(key for key in built if key.endswith(".js"))
    asset = s3.head_object(Bucket=bucket, Key=script)
    assert (asset["ContentType"], asset["CacheControl"]) == ("text/javascript", "public, max-age=31536000, immutable")
    # ...and the distribution in front of it is told to fetch index.html and config.json afresh
    cloudfront = aws.client("cloudfront", endpoint_url=stack["moto_url"])
    distribution = stack["outputs"]["ConsoleDistributionId"]
    [made] = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    batch = cloudfront.get_invalidation(DistributionId=distribution, Id=made["Id"])["Invalidation"]
    assert batch["InvalidationBatch"]["Paths"]["Items"] == ["/index.html", "/config.json"]
    assert (
        stack["outputs"]["ConsoleUrl"]
        == "https://" + cloudfront.get_distribution(Id=distribution)["Distribution"]["DomainName"]
    )
    config = json.loads(s3.get_object(Bucket=bucket, Key="config.json")["Body"].read())
    issuer = next(api["issuer"] for api in stack["apis"].values() if api["issuer"])
    assert config == {
        "mode": "cognito",
        "apiUrl": stack["outputs"]["ApiUrl"],
        "authority": issuer,
        "clientId": client_id(stack),
        "hostedUiUrl": f"https://{stack['outputs']['HostedUiDomain']}",
        "timezone": "Asia/Shanghai",
    }
