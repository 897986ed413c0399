"""The local stack's stand-in for the Cognito hosted UI: OAuth 2.0 authorization code with PKCE, on Authlib.

It answers on the console's origin where Cognito answers on the user pool domain (/oauth2/authorize,
/oauth2/token, /logout) and the pool's issuer (/.well-known/openid-configuration, /.well-known/jwks.json).
Its one client is the user pool's app client as the template made it (callback and logout URLs, flows,
scopes), read back from the local Cognito, and its login page lists the demo users to pick from. Tokens are
the dev key's Cognito-shaped ID and access tokens that the local JWT authorizer verifies.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, UserInfo
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc.jwk import RSAKey

from local import seed as demo
from local.auth import KEY_ID, TOKEN_LIFETIME_S, DevKey, JwtConfig, identity_claims, issue_access_token, jwks

CODE_LIFETIME_S = 300  # Cognito's authorization codes last five minutes
Response = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True, slots=True)
class AppClient(ClientMixin):  # type: ignore[misc]
    """A user pool app client as the hosted UI reads it: where it may send people back to, and what it may ask."""

    client_id: str
    callback_urls: tuple[str, ...]
    logout_urls: tuple[str, ...]
    flows: tuple[str, ...]  # AllowedOAuthFlows: code, implicit, client_credentials
    scopes: tuple[str, ...]
    has_secret: bool = False

    @classmethod
    def from_cognito(cls, described: Mapping[str, Any]) -> AppClient:
        """From DescribeUserPoolClient's UserPoolClient."""
        return cls(
            client_id=str(described["ClientId"]),
            callback_urls=tuple(described.get("CallbackURLs") or ()),
            logout_urls=tuple(described.get("LogoutURLs") or ()),
            flows=tuple(described.get("AllowedOAuthFlows") or ()),
            scopes=tuple(described.get("AllowedOAuthScopes") or ()),
            has_secret=bool(described.get("ClientSecret")),
        )

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.callback_urls[0] if len(self.callback_urls) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        # Cognito grants every allowed scope when none is asked for, and only allowed ones when some are.
        wanted = (scope or " ".join(self.scopes)).split()
        return " ".join(s for s in wanted if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.callback_urls

    def check_client_secret(self, client_secret: str) -> bool:
        return False  # the console's client has no secret; nothing else signs in here

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none" and not self.has_secret

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "code" in self.flows

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code" and "code" in self.flows


@dataclass(frozen=True, slots=True)
class _Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: demo.DemoUser
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    auth_time: int
    expires_at: float = field(compare=False)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            self._datalist[name].append(value)
        self._data = {name: values[0] for name, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class _Request(OAuth2Request):  # type: ignore[misc]
    """An HTTP request of the console's server as Authlib reads it: the query and the form body, both."""

    def __init__(self, method: str, url: str, headers: Mapping[str, str], form: bytes) -> None:
        super().__init__(method, url, headers=dict(headers))
        query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        body = parse_qsl(form.decode(), keep_blank_values=True) if form else []
        self._args = dict(query)
        self._form = dict(body)
        self.payload = _Payload([*query, *body])

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]  # a public client: PKCE stands in for the secret

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.codes.keep(
            _Code(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri or "",
                scope=request.scope,
                user=request.user,
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                nonce=data.get("nonce"),
                auth_time=int(time.time()),
                expires_at=time.monotonic() + CODE_LIFETIME_S,
            )
        )

    def query_authorization_code(self, code: str, client: AppClient) -> _Code | None:
        codes: _Codes = self.server.codes
        return codes.find(code, client.client_id)

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.server.codes.spend(authorization_code.code)

    def authenticate_user(self, authorization_code: _Code) -> demo.DemoUser:
        return authorization_code.user


class _S256Only(CodeChallenge):  # type: ignore[misc]
    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]  # Cognito refuses the plain method


class _IdToken(OpenIDCode):  # type: ignore[misc]
    """The ID token: the dev key, the pool's issuer, the client as audience, the person's Cognito claims."""

    def __init__(self, key: DevKey, config: JwtConfig) -> None:
        super().__init__(require_nonce=False)
        self.key = key
        self.config = config

    def resolve_client_private_key(self, client: AppClient) -> RSAKey:
        return RSAKey.import_key(self.key.private_pem)

    def get_client_algorithm(self, client: AppClient) -> str:
        return "RS256"

    def get_encode_header(self, client: AppClient) -> dict[str, str]:
        return {"alg": "RS256", "kid": KEY_ID}

    def get_client_claims(self, client: AppClient) -> dict[str, Any]:
        return {"iss": self.config.issuer, "aud": client.client_id, "exp": int(time.time()) + TOKEN_LIFETIME_S}

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return False  # a nonce is bound to its one code, which is spent on use

    def generate_user_info(self, user: demo.DemoUser, scope: str) -> UserInfo:
        return UserInfo(identity_claims(sub=user.sub, groups=[user.role], username=user.key))


class _Codes:
    """Authorization codes not yet exchanged; each is spent by its one token request."""

    def __init__(self) -> None:
        self._codes: dict[str, _Code] = {}
        self._lock = threading.Lock()

    def keep(self, code: _Code) -> None:
        with self._lock:
            self._codes[code.code] = code

    def find(self, code: str, client_id: str) -> _Code | None:
        with self._lock:
            found = self._codes.get(code)
        if found is None or found.client_id != client_id or found.expires_at < time.monotonic():
            return None
        return found

    def spend(self, code: str) -> None:
        with self._lock:
            self._codes.pop(code, None)


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, clients: Mapping[str, AppClient], key: DevKey, config: JwtConfig) -> None:
        super().__init__(scopes_supported=sorted({s for c in clients.values() for s in c.scopes}))
        self.clients = clients
        self.codes = _Codes()
        self.key = key
        self.config = config
        self.register_grant(_CodeGrant, [_S256Only(required=True), _IdToken(key, config)])
        self.register_token_generator("default", self._tokens)

    def query_client(self, client_id: str) -> AppClient | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Tokens are JWTs the authorizer verifies by signature: nothing to keep."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners."""

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(self, status: int, body: Any, headers: Sequence[tuple[str, str]]) -> Response:
        data = body if isinstance(body, str | bytes) else _json_text(body)
        return status, list(headers), data.encode() if isinstance(data, str) else data

    def _tokens(
        self,
        grant_type: str,
        client: AppClient,
        user: demo.DemoUser | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        assert user is not None  # the code grant always has its person
        access = issue_access_token(
            self.key,
            self.config,
            client_id=client.client_id,
            sub=user.sub,
            groups=[user.role],
            username=user.key,
            scope=scope or "",
        )
        return {"token_type": "Bearer", "access_token": access, "expires_in": TOKEN_LIFETIME_S, "scope": scope}


def _json_text(body: Any) -> str:
    return json.dumps(body)


class HostedUi:
    """The authorization server the console signs in through on the local stack."""

    PATHS = frozenset(
        {"/oauth2/authorize", "/oauth2/token", "/logout", "/.well-known/openid-configuration", "/.well-known/jwks.json"}
    )

    def __init__(self, key: DevKey, config: JwtConfig, clients: Sequence[AppClient]) -> None:
        self.key = key
        self.config = config
        self.server = _Server({c.client_id: c for c in clients}, key, config)

    @property
    def client_id(self) -> str:
        return self.config.audience[0]

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request to a path of PATHS; `url` is absolute (the console's origin as the browser saw it)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.path == "/.well-known/openid-configuration":
            return _json(200, self.discovery(origin))
        if parts.path == "/.well-known/jwks.json":
            return _json(200, jwks(self.key))
        if parts.path == "/logout":
            return self._logout(url)
        try:
            request = _Request(method, url, headers, body)
        except OAuth2Error as error:  # OAuth over plain http only on a loopback address, as Authlib holds
            return _json(400, {"error": error.error, "error_description": error.get_error_description()})
        if parts.path == "/oauth2/token" and method == "POST":
            response: Response = self.server.create_token_response(request)
            return response
        if parts.path == "/oauth2/authorize" and method in ("GET", "POST"):
            return self._authorize(request, method)
        return _json(405, {"error": "method_not_allowed", "message": f"{method} {parts.path}", "details": []})

    def discovery(self, origin: str) -> dict[str, Any]:
        """Cognito's discovery document, with the hosted UI's endpoints on this origin."""
        metadata = OpenIDProviderMetadata(
            issuer=self.config.issuer,
            authorization_endpoint=f"{origin}/oauth2/authorize",
            token_endpoint=f"{origin}/oauth2/token",
            end_session_endpoint=f"{origin}/logout",
            jwks_uri=f"{origin}/.well-known/jwks.json",
            scopes_supported=self.server.scopes_supported,
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            code_challenge_methods_supported=_S256Only.SUPPORTED_CODE_CHALLENGE_METHOD,
            token_endpoint_auth_methods_supported=["none"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
        )
        return dict(metadata)

    def _authorize(self, request: _Request, method: str) -> Response:
        try:
            grant = self.server.get_consent_grant(request)
        except OAuth2Error as error:
            # No redirect back to an unchecked client or address: the person sees why, as on the hosted UI.
            why = html.escape(error.get_error_description() or error.error)
            return _page(400, "登录请求无效 · Sign-in request refused", f"<p>{why}</p>")
        if method == "GET":
            return _page(200, "选择演示用户 · Pick a demo user", _user_list(request.args))
        try:
            person = demo.user(request.form.get("user", ""))
        except KeyError:
            return _page(400, "没有这个用户 · No such user", _user_list(request.args))
        response: Response = self.server.create_authorization_response(request, grant_user=person, grant=grant)
        return response

    def _logout(self, url: str) -> Response:
        """Cognito's /logout: back to logout_uri, which must be one of the client's sign-out URLs."""
        query = dict(parse_qsl(urlsplit(url).query))
        client = self.server.query_client(query.get("client_id", ""))
        back = query.get("logout_uri", "")
        if client is None or back not in client.logout_urls:
            return _page(400, "退出请求无效 · Sign-out request refused", "<p>unknown client_id or logout_uri</p>")
        return 302, [("location", back), ("cache-control", "no-store")], b""


def _user_list(args: Mapping[str, str]) -> str:
    """One button per demo user; each posts the authorization request back with the person picked."""
    action = html.escape("/oauth2/authorize?" + urlencode(args))
    buttons = "".join(
        f'<li><button type="submit" name="user" value="{html.escape(u.key)}" data-user="{html.escape(u.key)}">'
        f"<strong>{html.escape(u.name)}</strong> <span>{html.escape(u.role)}</span> "
        f"<small>{html.escape(u.what)}</small></button></li>"
        for u in demo.DEMO_USERS
    )
    return f'<form method="post" action="{action}"><ul>{buttons}</ul></form>'


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a}"
    "main{max-width:40rem;margin:2rem auto;padding:0 1rem}ul{list-style:none;padding:0}"
    "button{display:block;width:100%;text-align:left;margin:.4rem 0;padding:.8rem;border:1px solid #8a96a3;"
    "border-radius:6px;background:#fff;font-size:1rem;cursor:pointer}small{color:#454f5b}"
)


def _page(status: int, title: str, content: str) -> Response:
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>PropDesk · {html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{content}</main></body></html>"
    )
    return status, [("content-type", "text/html; charset=utf-8"), ("cache-control", "no-store")], page.encode()


def _json(status: int, body: Any) -> Response:
    return status, [("content-type", "application/json"), ("cache-control", "no-store")], _json_text(body).encode()
