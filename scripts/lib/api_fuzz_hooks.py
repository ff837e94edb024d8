"""schemathesis hooks for scripts/api-fuzz (ADR 0022).

- A framed submission and a batch of them are bytes of the hub's own media
  types: they are sent as schemathesis sends application/octet-stream.
- The fuzzer signs as a device: at start it enrols a fresh Ed25519 key with
  the demo's enrolment code (WV_FUZZ_HUB, WV_FUZZ_ENROL_CODE), then signs
  every request to a route whose security is the device signature, over the
  exact bytes sent (protocol::signing's canonical form), so those routes are
  fuzzed past the signature check.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import time
import urllib.request

import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

schemathesis.serializer.alias(
    ["application/vnd.workervoice.submission", "application/vnd.workervoice.submission-batch"],
    "application/octet-stream",
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def normalize_code(typed: str) -> str:
    # protocol::codes::normalize_code
    table = {"O": "0", "I": "1", "L": "1"}
    return "".join(table.get(c.upper(), c.upper()) for c in typed if not c.isspace() and c != "-")


HUB = os.environ.get("WV_FUZZ_HUB")
CODE = os.environ.get("WV_FUZZ_ENROL_CODE")
KEY = Ed25519PrivateKey.generate()
DEVICE_ID = None
SIGNED = []  # (method, compiled path pattern)

if HUB and CODE:
    public = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    challenge = f"workervoice/enrol/v1\n{normalize_code(CODE)}\npersonal\n{b64(public)}".encode()
    body = {"code": CODE, "mode": "personal", "public_key": b64(public), "platform": "api-fuzz",
            "signature": b64(KEY.sign(challenge))}
    request = urllib.request.Request(HUB + "/v1/enrol", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    DEVICE_ID = json.load(urllib.request.urlopen(request))["device_id"]
    document = json.load(urllib.request.urlopen(HUB + "/openapi.json"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if any("device_signature" in requirement for requirement in operation.get("security", [])):
                pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
                SIGNED.append((method.upper(), re.compile(pattern)))

_send = requests.Session.send


def _signed_send(self, prepared, **kwargs):
    path = prepared.path_url.split("?", 1)[0]
    if DEVICE_ID and any(m == prepared.method and p.match(path) for m, p in SIGNED):
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode()
        timestamp = int(time.time())
        nonce = b64(secrets.token_bytes(16))
        canonical = "workervoice/request/v1\n{}\n{}\n{}\n{}\n{}\n{}".format(
            prepared.method.upper(), prepared.path_url, DEVICE_ID, timestamp, nonce,
            hashlib.sha256(body).hexdigest()).encode()
        prepared.headers["x-wv-device"] = DEVICE_ID
        prepared.headers["x-wv-timestamp"] = str(timestamp)
        prepared.headers["x-wv-nonce"] = nonce
        prepared.headers["x-wv-signature"] = b64(KEY.sign(canonical))
    return _send(self, prepared, **kwargs)


requests.Session.send = _signed_send
