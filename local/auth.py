"""The local JWT authorizer: a development RSA key, tokens shaped like Cognito's, and their verification."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

KEY_ID = "propdesk-local-dev"
TOKEN_LIFETIME_S = 12 * 3600


def state_dir(folder: Path) -> Path:
    """The git-ignored folder (.local/) for the dev key, logs and the running stack's address."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# local runtime state: dev key, logs, running stack\n*\n", encoding="utf-8")
    return folder


@dataclass(frozen=True, slots=True)
class DevKey:
    """The local signing key: generated once, reused so tokens survive a restart."""

    private_pem: bytes
    public_pem: bytes

    @classmethod
    def load_or_create(cls, folder: Path) -> DevKey:
        path = folder / "dev-jwt-key.pem"
        if not path.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            path.touch(mode=0o600)
            path.write_bytes(pem)
        private_pem = path.read_bytes()
        loaded = serialization.load_pem_private_key(private_pem, password=None)
        public_pem = loaded.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(private_pem, public_pem)


@dataclass(frozen=True, slots=True)
class JwtConfig:
    """A JWT authorizer of the template: who issues tokens and for whom."""

    issuer: str
    audience: tuple[str, ...]


def identity_claims(*, sub: str, groups: list[str], username: str) -> dict[str, Any]:
    """The claims of a Cognito ID token that name the person: the API reads the role from cognito:groups."""
    return {"sub": sub, "token_use": "id", "cognito:username": username, "cognito:groups": groups}


def issue_token(
    key: DevKey,
    config: JwtConfig,
    *,
    sub: str,
    groups: list[str],
    username: str,
    extra: Mapping[str, Any] | None = None,
    lifetime_s: int = TOKEN_LIFETIME_S,
) -> str:
    """An ID token shaped like Cognito's (token_use=id, aud=client id, cognito:groups)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": config.issuer,
        "aud": config.audience[0],
        "auth_time": now,
        "iat": now,
        "exp": now + lifetime_s,
        **identity_claims(sub=sub, groups=groups, username=username),
        **(extra or {}),
    }
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": KEY_ID})


def issue_access_token(
    key: DevKey,
    config: JwtConfig,
    *,
    client_id: str,
    sub: str,
    groups: list[str],
    username: str,
    scope: str,
    lifetime_s: int = TOKEN_LIFETIME_S,
) -> str:
    """An access token shaped like Cognito's: token_use=access, client_id instead of aud, the granted scope."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "iss": config.issuer,
        "client_id": client_id,
        "token_use": "access",
        "scope": scope,
        "auth_time": now,
        "iat": now,
        "exp": now + lifetime_s,
        "username": username,
        "cognito:groups": groups,
    }
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": KEY_ID})


def jwks(key: DevKey) -> dict[str, Any]:
    """The public half of the dev key as a JSON Web Key Set, as Cognito publishes its signing keys."""
    public = RSAKey.import_key(key.public_pem, {"kid": KEY_ID, "use": "sig", "alg": "RS256"})
    return {"keys": [public.as_dict(private=False)]}


class Unauthorized(Exception):
    """The request would get 401 from the API Gateway JWT authorizer."""


def verify(key: DevKey, config: JwtConfig, authorization: str | None) -> dict[str, Any]:
    """The token's claims if the JWT authorizer would accept it (RS256, iss, aud or client_id, exp, nbf)."""
    if not authorization:
        raise Unauthorized("no Authorization header")
    token = authorization.removeprefix("Bearer ").strip()
    try:
        header = jwt.get_unverified_header(token)
        if header.get("kid") != KEY_ID:
            raise Unauthorized("unknown kid")
        claims: dict[str, Any] = jwt.decode(
            token,
            key.public_pem,
            algorithms=["RS256"],
            issuer=config.issuer,
            options={"verify_aud": False, "require": ["exp", "iss"]},
        )
    except jwt.PyJWTError as err:
        raise Unauthorized(str(err)) from err
    # Access tokens carry client_id instead of aud; the authorizer accepts either.
    audiences = claims.get("aud", claims.get("client_id"))
    audiences = audiences if isinstance(audiences, list) else [audiences]
    if not set(config.audience) & set(audiences):
        raise Unauthorized("audience does not match")
    return claims


def claims_as_api_gateway(claims: Mapping[str, Any]) -> dict[str, str]:
    """HTTP API hands claims to the function as strings; arrays become "[a b]"."""
    flat: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            flat[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, dict):
            flat[name] = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, bool):
            flat[name] = str(value).lower()
        else:
            flat[name] = str(value)
    return flat


def scopes_of(claims: Mapping[str, Any]) -> list[str] | None:
    scope = claims.get("scope")
    return str(scope).split() if scope else None
