"""A real SAML 2.0 identity provider for the tests: pysaml2's IdP side, in-process, with its
own keys made at test time. It speaks to Spor only through what a browser carries (the
redirect with the signed AuthnRequest, the POSTed Response), so every check Spor makes is
pysaml2's and xmlsec1's, as in production against KOMBIT's Context Handler."""

from __future__ import annotations

import base64
import dataclasses
import urllib.parse
from pathlib import Path

import saml2
from saml2 import saml
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from .keys import KeyPair, make_key_pair

IDP_BASE = "https://127.0.0.1:9443/context-handler"
IDP_ENTITY_ID = f"{IDP_BASE}/metadata"
EID = "https://data.gov.dk/model/core/eid/"


def privileges(cvr: str, *values: str) -> str:
    """An OIOSAML 3 Basic Privilege Profile list, base64-encoded, scoped to the CVR."""
    body = "".join(f"<Privilege>{value}</Privilege>" for value in values)
    document = (
        '<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile">'
        f'<PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:{cvr}">{body}'
        "</PrivilegeGroup></bpp:PrivilegeList>"
    )
    return base64.b64encode(document.encode()).decode()


def attributes(
    *, cvr: str, privileges_b64: str, first="Mette", last="Frederiksen", email="mette@example.dk"
) -> dict:
    return {
        EID + "professional/cvr": [cvr],
        EID + "firstName": [first],
        EID + "lastName": [last],
        EID + "email": [email],
        EID + "privilegesIntermediate": [privileges_b64],
    }


def _config(keys: KeyPair, base: str, sp_metadata: str | None = None) -> IdPConfig:
    conf = IdPConfig()
    settings = {
        "entityid": f"{base}/metadata",
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "allow_unknown_attributes": True,
        "service": {
            "idp": {
                "name": "Test Context Handler",
                "endpoints": {
                    "single_sign_on_service": [
                        (f"{base}/sso", saml2.BINDING_HTTP_REDIRECT),
                    ],
                    "single_logout_service": [
                        (f"{base}/slo", saml2.BINDING_HTTP_REDIRECT),
                    ],
                },
                "name_id_format": [saml.NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": True,
                "sign_assertion": True,
                "sign_response": False,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
            }
        },
        "key_file": keys.key_file,
        "cert_file": keys.cert_file,
    }
    if sp_metadata is not None:
        settings["metadata"] = {"inline": [sp_metadata]}
    conf.load(settings)
    return conf


@dataclasses.dataclass
class SamlIdp:
    keys: KeyPair
    metadata_file: str
    base: str = IDP_BASE
    server: Server | None = None

    @classmethod
    def create(cls, directory: Path, base: str = IDP_BASE) -> SamlIdp:
        keys = make_key_pair(directory, "idp")
        metadata = str(entity_descriptor(_config(keys, base)))
        metadata_file = directory / "idp-metadata.xml"
        metadata_file.write_text(metadata)
        return cls(keys=keys, metadata_file=str(metadata_file), base=base)

    def trust(self, sp_metadata: str) -> None:
        """Register Spor's metadata, as the operator does at the Context Handler."""
        self.server = Server(config=_config(self.keys, self.base, sp_metadata))

    def receive(self, location: str):
        """Read the browser's redirect: the AuthnRequest, its signature checked."""
        assert self.server is not None
        assert location.startswith(f"{self.base}/sso?"), location
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        assert query.get("SigAlg") == SIG_RSA_SHA256, query.get("SigAlg")
        parsed = self.server.parse_authn_request(
            query["SAMLRequest"],
            saml2.BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        )
        return parsed.message, query.get("RelayState", "")

    def respond(
        self,
        request,
        *,
        subject: str,
        attributes: dict,
        audience: str | None = None,
        sign_assertion: bool = True,
    ) -> str:
        """A Response to the request, base64 as the browser POSTs it to Spor's ACS."""
        assert self.server is not None
        name_id = saml.NameID(format=saml.NAMEID_FORMAT_PERSISTENT, text=subject)
        response = self.server.create_authn_response(
            attributes,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=audience or request.issuer.text,
            name_id=name_id,
            authn={
                "class_ref": "https://data.gov.dk/concept/core/nsis/loa/Substantial",
                "authn_auth": f"{self.base}/metadata",
            },
            sign_assertion=sign_assertion,
            sign_response=False,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        return base64.b64encode(str(response).encode()).decode()

    def _sp_logout_url(self, sp_entity_id: str) -> str:
        assert self.server is not None
        services = self.server.metadata.single_logout_service(
            sp_entity_id, saml2.BINDING_HTTP_REDIRECT, "spsso"
        )
        return services[0]["location"]

    def answer_logout(self, location: str) -> tuple[str, str]:
        """Spor's signed LogoutRequest arrives; the IdP ends its session and answers. Returns
        who was logged out and where the browser goes back to (Spor's logout service)."""
        assert self.server is not None
        assert location.startswith(f"{self.base}/slo?"), location
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        assert query.get("SigAlg") == SIG_RSA_SHA256 and query.get("Signature")
        request = self.server.parse_logout_request(
            query["SAMLRequest"],
            saml2.BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        ).message
        response = self.server.create_logout_response(request, [saml2.BINDING_HTTP_REDIRECT])
        info = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(response),
            self._sp_logout_url(request.issuer.text),
            relay_state=query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return request.name_id.text, dict(info["headers"])["Location"]

    def start_logout(self, *, subject: str, sp_entity_id: str) -> str:
        """Single logout started at the IdP (the person signed out of another service):
        where the browser is sent, Spor's logout service with a signed LogoutRequest."""
        assert self.server is not None
        destination = self._sp_logout_url(sp_entity_id)
        _id, request = self.server.create_logout_request(
            destination,
            issuer_entity_id=sp_entity_id,
            name_id=saml.NameID(format=saml.NAMEID_FORMAT_PERSISTENT, text=subject),
            sign=False,
        )
        info = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(request),
            destination,
            relay_state="",
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]


class SamlIdpServer:
    """The IdP over HTTP on 127.0.0.1, for the browser: its sign-in page answers Spor's
    request for ``person`` (no password asked) with a form that POSTs the signed Response to
    Spor's ACS, as the Context Handler's page does after the person has signed in."""

    def __init__(self, directory: Path) -> None:
        from wsgiref.simple_server import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = make_server("127.0.0.1", 0, self.app, handler_class=Quiet)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/context-handler"
        self.idp = SamlIdp.create(directory, base=self.base)
        self.subject = ""
        self.attributes: dict = {}
        self.logged_out = ""
        import threading

        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> SamlIdpServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def app(self, environ, start_response):
        import html

        location = f"http://127.0.0.1:{self.httpd.server_port}{environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}"
        if environ["PATH_INFO"] == "/context-handler/slo":
            self.logged_out, back = self.idp.answer_logout(location)
            start_response("302 Found", [("Location", back)])
            return [b""]
        if environ["PATH_INFO"] != "/context-handler/sso":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        request, relay_state = self.idp.receive(location)
        response = self.idp.respond(request, subject=self.subject, attributes=self.attributes)
        page = (
            '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Context Handler</title>'
            f'</head><body><main><h1>Test Context Handler</h1><form method="post" '
            f'action="{html.escape(request.assertion_consumer_service_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(response)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
            '<button type="submit">Fortsæt til Spor</button></form></main></body></html>'
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]
