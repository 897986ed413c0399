"""The console's /config.json on AWS: the hosted UI and API the browser is pointed at, from the stack's outputs,
and the user pool client of template.yaml that must allow exactly what the console asks the hosted UI for."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from local.template import LOCAL_PARAMETERS, Physical, Template, load_file

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-east-1"


def _publish_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("console_publish", ROOT / "console" / "scripts" / "publish.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_console_signs_in_through_the_stacks_hosted_ui_and_calls_its_api() -> None:
    outputs = {
        "ApiUrl": "https://abc123.execute-api.ap-east-1.amazonaws.com",
        "UserPoolId": "ap-east-1_Pool42",
        "UserPoolClientId": "client42",
        "HostedUiDomain": "propdesk-dev-123456789012.auth.ap-east-1.amazoncognito.com",
        "ConsoleUrl": "https://d111111abcdef8.cloudfront.net",
    }

    config = _publish_module().console_config(outputs, "ap-east-1", "Asia/Shanghai")

    assert config == {
        "mode": "cognito",
        "apiUrl": "https://abc123.execute-api.ap-east-1.amazonaws.com",
        "authority": "https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Pool42",
        "clientId": "client42",
        "hostedUiUrl": "https://propdesk-dev-123456789012.auth.ap-east-1.amazoncognito.com",
        "timezone": "Asia/Shanghai",
    }


def _deployed() -> tuple[Template, dict[str, Physical]]:
    """template.yaml as CloudFormation would resolve it in ap-east-1 with its default parameters."""
    body = load_file(ROOT / "template.yaml")
    declared = body.get("Parameters") or {}
    parameters = {k: v for k, v in LOCAL_PARAMETERS.items() if k in declared}
    template = Template(body, parameters=parameters, region=REGION, stack_name="propdesk-dev")
    physical = {
        "ConsoleDistribution": Physical("E2EXAMPLE", {"DomainName": "d111111abcdef8.cloudfront.net"}),
        "ConsoleBucket": Physical("propdesk-dev-consolebucket-1a2b3c"),
        "UserPool": Physical("ap-east-1_Pool42"),
        "UserPoolClient": Physical("client42"),
        "UserPoolDomain": Physical("propdesk-dev-123456789012"),
        "HttpApi": Physical("abc123"),
    }
    return template, physical


def _resolved(template: Template, physical: dict[str, Physical], *path: str) -> Any:
    value: Any = template.body
    for key in path:
        value = value[key]
    return template.resolve(value, physical)


def test_the_user_pool_client_allows_what_the_published_console_asks_the_hosted_ui_for() -> None:
    template, physical = _deployed()
    client = _resolved(template, physical, "Resources", "UserPoolClient", "Properties")
    domain = _resolved(template, physical, "Resources", "UserPoolDomain", "Properties", "Domain")
    jwt = _resolved(template, physical, "Resources", "HttpApi", "Properties", "Auth", "Authorizers", "CognitoJwt")
    outputs = {
        name: _resolved(template, physical, "Outputs", name, "Value")
        for name in ("ApiUrl", "UserPoolId", "UserPoolClientId", "HostedUiDomain", "ConsoleUrl", "ConsoleBucketName")
    }
    auth_ts = (ROOT / "console" / "src" / "auth.ts").read_text(encoding="utf-8")
    scope = re.search(r'export const SCOPE = "([^"]+)"', auth_ts)

    # What the published console gives oidc-client-ts: config.json, its own address, and its scope
    config = _publish_module().console_config(outputs, REGION, "Asia/Shanghai")

    assert scope and scope.group(1) == "openid email profile"
    given = dict(re.findall(r"^\s*(\w+): (.+),$", auth_ts, re.MULTILINE))
    assert given["redirect_uri"] == given["post_logout_redirect_uri"] == "`${location.origin}/`"
    assert given["response_type"] == '"code"'
    assert given["scope"] == "SCOPE"
    # The hosted UI lets a public client with no secret sign in by code, for those scopes...
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["GenerateSecret"] is False
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert set(scope.group(1).split()) <= set(client["AllowedOAuthScopes"])
    # ...sending people back to the console's CloudFront address (then the web desks of AllowedOrigins)
    assert outputs["ConsoleUrl"] == "https://d111111abcdef8.cloudfront.net"
    assert client["CallbackURLs"] == ["https://d111111abcdef8.cloudfront.net/", "http://localhost:3000/"]
    assert client["LogoutURLs"] == ["https://d111111abcdef8.cloudfront.net/", "http://localhost:3000/"]
    # The console signs in at the pool's domain, as that client, and its tokens are the ones the API accepts
    assert domain == "propdesk-dev-123456789012"
    assert config["hostedUiUrl"] == "https://propdesk-dev-123456789012.auth.ap-east-1.amazoncognito.com"
    assert config["clientId"] == "client42"
    assert jwt["JwtConfiguration"] == {
        "issuer": "https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Pool42",
        "audience": ["client42"],
    }
    assert config["authority"] == "https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Pool42"
    assert config["apiUrl"] == "https://abc123.execute-api.ap-east-1.amazonaws.com"
