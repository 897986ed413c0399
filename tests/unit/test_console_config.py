"""The console's /config.json on AWS: the hosted UI and API the browser is pointed at, from the stack's outputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _publish_module():
    spec = importlib.util.spec_from_file_location("console_publish", ROOT / "console" / "scripts" / "publish.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_console_signs_in_through_the_stacks_hosted_ui_and_calls_its_api():
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
        "hostedUiDomain": "propdesk-dev-123456789012.auth.ap-east-1.amazoncognito.com",
        "timezone": "Asia/Shanghai",
    }
