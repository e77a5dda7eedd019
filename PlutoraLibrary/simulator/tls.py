"""A certificate for serving the simulator over HTTPS on loopback, made on this machine.

A small certificate authority signs one server certificate for ``127.0.0.1``, ``::1``,
``localhost`` and the address the simulator listens on; clients trust the authority's
certificate (``ca.pem``), e.g. ``REQUESTS_CA_BUNDLE=…/ca.pem``. The authority's key is thrown
away once it has signed, and the authority is name-constrained to those names: even trusted
for good, it can vouch for nothing else. The files are kept in a folder (by default
``~/.cache/plutora/simulator-tls``) and reused while they cover the names and have more
than a week to run, so a client told to trust ``ca.pem`` once keeps working across restarts.

Example::

    certificate = certificate_for(Path("/tmp/sim-tls"), ["127.0.0.1"])
    context = certificate.server_context()      # for a listening socket
    print(certificate.ca_file)                   # give this to the clients
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography (and filelock) are imported where a certificate is made or
    from cryptography import x509  # checked: a simulator without --tls loads neither

__all__ = ["Certificate", "certificate_for", "default_folder"]

_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_LIFETIME = datetime.timedelta(days=365)
_RENEW_BEFORE = datetime.timedelta(days=7)
_IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def default_folder() -> Path:
    """Where ``plutora sim --tls`` keeps its certificate unless told otherwise:
    ``$XDG_CACHE_HOME/plutora/simulator-tls`` (``~/.cache/…``). Example:
    ``default_folder().name == "simulator-tls"``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "plutora" / "simulator-tls"


@dataclass(frozen=True)
class Certificate:
    """The files of a simulator's certificate: ``ca_file`` is what clients trust."""

    folder: Path
    ca_file: Path
    cert_file: Path
    key_file: Path
    names: tuple[str, ...]
    #: Whether it was made just now (clients that trusted an earlier one must trust this one).
    created: bool

    def server_context(self) -> ssl.SSLContext:
        """A TLS context for serving with this certificate (TLS 1.2 or newer). Example:
        ``web.SockSite(runner, sock, ssl_context=certificate.server_context())``."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def trust_hints(self, example_url: str) -> list[str]:
        """How common clients trust ``ca_file``, one line each. Example:
        ``certificate.trust_hints("https://127.0.0.1:8082/me")[0]`` starts with
        ``"Python requests"``."""
        ca = str(self.ca_file)
        return [
            f"Python requests:   REQUESTS_CA_BUNDLE={ca}",
            f"Python ssl, httpx: SSL_CERT_FILE={ca}",
            f"this library:      PLUTORA_VERIFY_TLS={ca}",
            f"Node.js:           NODE_EXTRA_CA_CERTS={ca}",
            f"curl:              curl --cacert {ca} {example_url}",
        ]


def _parsed(name: str) -> _IpAddress | None:
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


def _wanted(names: Iterable[str]) -> tuple[str, ...]:
    found: list[str] = []
    for name in (*_LOOPBACK, *names):
        address = _parsed(name)
        if address is not None and address.is_unspecified:  # 0.0.0.0 names no one
            continue
        shown = str(address) if address is not None else name.lower()
        if shown and shown not in found:
            found.append(shown)
    return tuple(found)


def _general_names(names: Iterable[str]) -> list[x509.GeneralName]:
    from cryptography import x509

    general: list[x509.GeneralName] = []
    for name in names:
        address = _parsed(name)
        general.append(x509.IPAddress(address) if address else x509.DNSName(name))
    return general


def _constraints(names: Iterable[str]) -> list[x509.GeneralName]:
    from cryptography import x509

    subtrees: list[x509.GeneralName] = []
    for name in names:
        address = _parsed(name)
        if address is None:
            subtrees.append(x509.DNSName(name))
        else:
            subtrees.append(x509.IPAddress(ipaddress.ip_network(address)))
    return subtrees


def _make(names: tuple[str, ...]) -> tuple[bytes, bytes, bytes]:
    """A new authority and a server certificate it signed: (ca.pem, server.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(days=1), now + _LIFETIME
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Plutora simulator local CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(permitted_subtrees=_constraints(names), excluded_subtrees=None),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(_general_names(names)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )  # the authority's key goes out of scope here: nothing more can be signed with it
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pem = serialization.Encoding.PEM
    return ca.public_bytes(pem), server.public_bytes(pem), key_pem


def _still_good(ca_file: Path, cert_file: Path, key_file: Path, names: tuple[str, ...]) -> bool:
    """Whether the files in place are a pair that covers ``names`` for another week."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        ca = x509.load_pem_x509_certificate(ca_file.read_bytes())
        server = x509.load_pem_x509_certificate(cert_file.read_bytes())
        serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        server.verify_directly_issued_by(ca)
        covered = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound):
        return False
    now = datetime.datetime.now(datetime.timezone.utc)
    shown = {str(value) for value in covered.get_values_for_type(x509.IPAddress)}
    shown |= set(covered.get_values_for_type(x509.DNSName))
    ends = min(ca.not_valid_after_utc, server.not_valid_after_utc)
    return set(names) <= shown and ends - now > _RENEW_BEFORE


def _write(path: Path, data: bytes, mode: int) -> None:
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(partial, mode)
    partial.replace(path)


def certificate_for(folder: Path, names: Iterable[str] = ()) -> Certificate:
    """The certificate in ``folder`` for loopback and ``names`` (an address or host name the
    simulator listens on), made there if it is missing, expiring or does not cover them.

    Example::

        certificate = certificate_for(Path("/tmp/sim-tls"), ["127.0.0.1"])
        certificate.names      # ('127.0.0.1', '::1', 'localhost')
    """
    from filelock import FileLock

    folder = Path(folder).expanduser()
    wanted = _wanted(names)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    with FileLock(str(folder / ".lock"), timeout=30):
        created = not _still_good(ca_file, cert_file, key_file, wanted)
        if created:
            ca_pem, server_pem, key_pem = _make(wanted)
            _write(key_file, key_pem, 0o600)
            _write(cert_file, server_pem, 0o644)
            _write(ca_file, ca_pem, 0o644)
    return Certificate(folder, ca_file, cert_file, key_file, wanted, created)
