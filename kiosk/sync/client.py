"""Station: a signed HTTP client for central's /api/v1/ (stdlib only).

A response counts only if it is central's JSON in this protocol version:
a captive portal's or a proxy's page with status 200 is ``not_an_ack``. And it
counts only if central proves itself: every answer central gives a signed
request carries ``X-Kiosk-Proof``, an HMAC under this station's secret of the
status, the body and the request's fresh nonce. A server that does not know
the secret (a fake central) gets ``central_unproven`` at the first answer, the
hello, before the station sends any record.
"""
import http.client
import ipaddress
import ssl
from urllib.parse import urlencode, urlsplit

from . import protocol
from .protocol import SyncError


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url, insecure_http=False):
    """Central's URL must be https://, except on this machine or when plain http is asked for."""
    parts = urlsplit(url.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(protocol.NOT_CONFIGURED, f"central's URL is not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not insecure_http and not is_loopback(parts.hostname):
        raise SyncError(protocol.INSECURE_URL,
                        "central's address must start with https:// (plain http only on "
                        "this machine, or with --insecure-http)")
    return parts


class CentralClient:
    def __init__(self, url, station_id, secret, timeout=30, clock_offset=0, insecure_http=False,
                 ca_file=None):
        parts = check_url(url, insecure_http)
        self.ca_file = ca_file or None
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.base_path = parts.path
        self.station_id = str(station_id)
        self.secret = secret
        self.timeout = timeout
        self.clock_offset = clock_offset
        self.bytes_up = 0
        self.bytes_down = 0
        self._conn = None

    def _connection(self):
        if self._conn is None:
            if self.scheme == "https":
                try:
                    context = ssl.create_default_context(cafile=self.ca_file)
                except (OSError, ssl.SSLError) as exc:
                    raise SyncError(protocol.NOT_CONFIGURED,
                                    f"the CA file {self.ca_file!r} cannot be read: {exc}") from None
                self._conn = http.client.HTTPSConnection(self.host, self.port,
                                                         timeout=self.timeout, context=context)
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port,
                                                        timeout=self.timeout)
        return self._conn

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def call(self, method, endpoint, payload=None, query=None):
        """Send one signed request; return central's JSON body or raise ``SyncError``."""
        body = protocol.encode_body(payload) if payload is not None else b""
        return self.send(method, endpoint, body, query)

    def send(self, method, endpoint, body=b"", query=None):
        """``call`` with its body already encoded by ``protocol.encode_body`` (or empty)."""
        import time
        path = f"{self.base_path}{protocol.API_PREFIX}{endpoint}"
        if query:
            path += "?" + urlencode(query)
        headers = protocol.sign_headers(self.station_id, self.secret, method, path, body,
                                        now=time.time() + self.clock_offset)
        headers["Accept-Encoding"] = "gzip"
        if body:
            headers.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        try:
            conn = self._connection()
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            self.close()
            raise SyncError(protocol.UNREACHABLE, f"central did not answer: {exc}",
                            retry=True) from None
        self.bytes_up += len(body)
        self.bytes_down += len(raw)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        data = self._parse(response, raw)
        # Only an answer signed with this station's secret for this very request counts.
        if not protocol.check_response(self.secret, response.status, headers[protocol.H_NONCE],
                                       raw, response.getheader(protocol.H_PROOF)):
            raise SyncError(protocol.CENTRAL_UNPROVEN,
                            "the server did not prove it is central (it does not "
                            "know this station's secret): nothing was sent to it",
                            status=response.status)
        return data

    @staticmethod
    def _parse(response, raw):
        content_type = response.getheader("Content-Type", "")
        data = None
        if content_type.startswith("application/json"):
            try:
                data = protocol.decode_body(raw, response.getheader("Content-Encoding", ""))
            except (OSError, ValueError, EOFError):
                data = None
        is_central = isinstance(data, dict) and "protocol" in data
        if response.status >= 500 and not (is_central and data.get("error")):
            raise SyncError(protocol.SERVER_ERROR,
                            f"central failed with HTTP {response.status}", retry=True,
                            status=response.status)
        if not is_central:
            raise SyncError(protocol.NOT_AN_ACK,
                            f"HTTP {response.status} without central's answer (a proxy or a "
                            f"captive portal?): {raw[:120]!r}", retry=True, status=response.status)
        if data.get("error"):
            code = data["error"]
            raise SyncError(code, data.get("message", code), status=response.status,
                            retry=code in (protocol.REPLAYED_NONCE,))
        if data["protocol"] != protocol.PROTOCOL_VERSION:
            raise SyncError(protocol.PROTOCOL_MISMATCH,
                            f"central answers in sync protocol {data['protocol']}, this station "
                            f"speaks {protocol.PROTOCOL_VERSION}: upgrade the older side")
        if response.status != 200:
            raise SyncError(protocol.NOT_AN_ACK, f"unexpected HTTP {response.status}",
                            retry=True, status=response.status)
        return data

    def hello(self, software_version):
        return self.call("POST", "/hello", {"software_version": software_version,
                                            "protocol": protocol.PROTOCOL_VERSION})

