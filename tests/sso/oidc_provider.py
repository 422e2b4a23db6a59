"""A real OpenID Connect provider for the tests: pyop (IdentityPython's OP library, the one
SATOSA runs in production) behind a small WSGI server on 127.0.0.1 in a thread.

Spor's backend speaks to it over HTTP as it would to Microsoft Entra ID: the token request
(with PKCE), the JWKS and the userinfo endpoint. The browser's part (the authorization
request, the redirect back) is done by the test with ``requests``. The person who signs in is
whoever the test sets in ``person``; the provider does not ask for a password.

Why pyop: it is maintained (release 3.5, 2026), implements the provider side of the code flow,
PKCE, userinfo and RP-initiated logout with signed RS256 ID tokens, and runs in-process with
no database, so every check in Spor's relying party is made against a real provider's tokens.
"""

from __future__ import annotations

import json
import ssl
import threading
import urllib.parse
from wsgiref.simple_server import WSGIRequestHandler, make_server

from jwkest.jwk import RSAKey, import_rsa_key
from oic.oic.message import EndSessionRequest
from pyop.authz_state import AuthorizationState
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

from .keys import KeyPair

CLIENT_ID = "spor-test-client"
CLIENT_SECRET = "spor-test-secret-0123456789"
CALLBACK = "http://testserver/sso/oidc/callback/"
AFTER_LOGOUT = "http://testserver/sign-in/"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class OidcProvider:
    def __init__(self, keys: KeyPair) -> None:
        # https, as the protocol requires: a certificate for 127.0.0.1 that Spor is told to trust
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_QuietHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(keys.cert_file, keys.key_file)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.ca_file = keys.cert_file
        self.base = f"https://127.0.0.1:{self.server.server_port}"
        key_pem = keys.key_pem
        self.person: dict = {}
        self.roles: list[str] = []
        self.logged_out: list[str] = []
        self.current = ""
        self._people: dict = {}
        self.provider = Provider(
            RSAKey(key=import_rsa_key(key_pem.decode()), alg="RS256", kid="test-key"),
            {
                "issuer": self.base,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "userinfo_endpoint": f"{self.base}/userinfo",
                "jwks_uri": f"{self.base}/jwks",
                "end_session_endpoint": f"{self.base}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "scopes_supported": ["openid", "email", "profile", "spor"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
            },
            AuthorizationState(HashBasedSubjectIdentifierFactory("test-salt")),
            {
                CLIENT_ID: {
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [CALLBACK],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_post",
                    "post_logout_redirect_uris": [AFTER_LOGOUT],
                }
            },
            Userinfo(self._people),
            extra_scopes={"spor": ["cvr"]},
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        """What the operator sets for Spor (docs/sso.md)."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/jwks",
            "SPOR_OIDC_END_SESSION_ENDPOINT": f"{self.base}/logout",
            "SPOR_OIDC_ISSUER": self.base,
            "OIDC_RP_SCOPES": "openid email profile spor",
            "OIDC_VERIFY_SSL": self.ca_file,
        }

    def sign_in_as(self, user_id: str, *, roles: list[str], **claims) -> None:
        self._people[user_id] = {"sub": user_id, **claims}
        self.roles = roles
        self.current = user_id

    # The WSGI application: the provider's five endpoints.
    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = environ.get("QUERY_STRING", "")
        body = ""
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        try:
            if path == "/authorize":
                request = self.provider.parse_authentication_request(query)
                response = self.provider.authorize(request, self.current)
                location = response.request(request["redirect_uri"], False)
                start_response("302 Found", [("Location", location)])
                return [b""]
            if path == "/token":
                # Like Entra ID, the person's app roles travel in the ID token.
                answer = self.provider.handle_token_request(
                    body, headers, extra_id_token_claims={"roles": self.roles}
                ).to_json()
            elif path == "/userinfo":
                answer = self.provider.handle_userinfo_request(query or body, headers).to_json()
            elif path == "/jwks":
                answer = json.dumps(self.provider.jwks)
            elif path == "/logout":
                request = EndSessionRequest().deserialize(query, "urlencoded")
                self.logged_out.append(request.get("id_token_hint", ""))
                self.provider.logout_user(end_session_request=request)
                location = self.provider.do_post_logout_redirect(request)
                start_response("302 Found", [("Location", location or self.base)])
                return [b""]
            else:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found"]
        except Exception as exc:  # the provider's refusal, as an OAuth error
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [
                json.dumps({"error": "invalid_request", "error_description": str(exc)}).encode()
            ]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [answer.encode()]


def authorize(provider: OidcProvider, location: str) -> str:
    """The browser follows Spor's redirect to the provider; returns where it is sent back."""
    import requests

    response = requests.get(location, allow_redirects=False, timeout=10, verify=provider.ca_file)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def path_and_query(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"
