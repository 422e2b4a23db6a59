"""RSA keys and self-signed certificates made at test time (never shipped, never reused)."""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclasses.dataclass(frozen=True)
class KeyPair:
    key_file: str
    cert_file: str
    key_pem: bytes


def make_key_pair(directory: Path, name: str, *, ip: str | None = None) -> KeyPair:
    """A key and its self-signed certificate; with ``ip``, valid for TLS on that address."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = x509.CertificateBuilder()
    if ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
            critical=False,
        )
    certificate = (
        builder.subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=365))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    key_file = directory / f"{name}.key"
    cert_file = directory / f"{name}.crt"
    key_file.write_bytes(key_pem)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return KeyPair(str(key_file), str(cert_file), key_pem)
