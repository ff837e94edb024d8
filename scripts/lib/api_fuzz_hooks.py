"""schemathesis hooks for scripts/api-fuzz (ADR 0022).

- A framed submission and a batch of them are bytes of the hub's own media
  types: they are sent as schemathesis sends application/octet-stream.
- The fuzzer signs as a device: at start it enrols a fresh Ed25519 key with
  the demo's enrolment code (WV_FUZZ_HUB, WV_FUZZ_ENROL_CODE), then signs
  every request to a route whose security is the device signature, over the
  exact bytes sent (protocol::signing's canonical form), so those routes are
  fuzzed past the signature check.
- The fuzzer signs in as demo readers: from the demo's `--ready-json` line
  (WV_FUZZ_READY) it takes the hotline handler's and the survey analyst's
  passwords and signs in as their client does (prelogin; PBKDF2-HMAC-SHA256
  and HKDF-SHA256 to the login key, reader/src/account.rs; login), and sends
  every reader route with the handler's session (the analyst's for the
  survey routes). Staff routes get the demo programme admin's session from
  the command line (`--header`).
- The sessions outlive the run: each logout route gets a session of its own
  (signed in at start; the staff one with the demo admin's TOTP), so one
  logout is answered 200 and the shared sessions stay; a request that would
  disable or sign out the fuzzer's own staff account, readers or device is
  sent for an id that names nothing.
- A check, `error_code_conformance`: a refusal's code is one the
  description lists for its status (`x-error-codes`).
"""

import atexit
import base64
import collections
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import time
import urllib.error
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
READY = os.environ.get("WV_FUZZ_READY")
KEY = Ed25519PrivateKey.generate()
DEVICE_ID = None
SIGNED = []  # (method, compiled path pattern)
READER_ROUTES = []  # (method, compiled path pattern)
OPERATIONS = []  # (method, compiled path pattern, template), for the figures
# (method, template) -> Counter of statuses answered.
ANSWERS = collections.defaultdict(collections.Counter)
READER_TOKEN = None
ANALYST_TOKEN = None
# Sessions that only a logout route uses: (method, path) -> bearer token.
LOGOUT_TOKENS = {}
# Ids the fuzzer must not disable or sign out (its own account, readers, device).
PROTECTED_IDS = []


def post_json(path, body, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    request = urllib.request.Request(HUB + path, data=json.dumps(body).encode(), headers=headers)
    return json.load(urllib.request.urlopen(request))


def get_json(path, token):
    request = urllib.request.Request(HUB + path, headers={"authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(request))


def reader_session(handler_id: str, password: str) -> str:
    """Signs a reader in as wv_reader does (reader/src/account.rs)."""
    prelogin = post_json("/handler/v1/prelogin", {"handler_id": handler_id})
    salt = base64.urlsafe_b64decode(prelogin["kdf_salt"] + "=" * (-len(prelogin["kdf_salt"]) % 4))
    master = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, prelogin["kdf_iterations"], 32)
    # HKDF-SHA256 with an empty salt, one block of output.
    prk = hmac.new(b"\0" * 32, master, hashlib.sha256).digest()
    login_key = hmac.new(prk, b"workervoice/reader/login/v1\x01", hashlib.sha256).digest()
    return post_json("/handler/v1/login", {"handler_id": handler_id, "login_key": b64(login_key)})["session_token"]


def totp_code(secret_base32: str, step: int) -> str:
    # hub/src/staff/totp.rs: HMAC-SHA1, 30-second steps, 6 digits.
    secret = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    tag = hmac.new(secret, struct.pack(">q", step), hashlib.sha1).digest()
    offset = tag[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", tag[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def staff_session(admin: dict) -> str:
    """A second session of the demo programme admin (its TOTP code, each step once)."""
    step = int(time.time()) // 30
    for candidate in (step, step + 1):
        body = {"login": admin["login"], "password": admin["password"],
                "totp_code": totp_code(admin["totp_secret_base32"], candidate)}
        try:
            return post_json("/staff/v1/login", body)["session_token"]
        except urllib.error.HTTPError:
            continue
    raise RuntimeError("the demo programme admin could not sign in again")


if HUB and READY:
    with open(READY) as ready_file:
        ready = json.loads(ready_file.readline())
    handlers = ready["demo"]["handlers"]
    hotline = next(h for h in handlers if h["route"] == "independent_hotline" and "analyst" not in h["name"])
    analyst = next(h for h in handlers if "analyst" in h["name"])
    READER_TOKEN = reader_session(hotline["handler_id"], hotline["password"])
    ANALYST_TOKEN = reader_session(analyst["handler_id"], analyst["password"])
    LOGOUT_TOKENS[("POST", "/handler/v1/logout")] = reader_session(hotline["handler_id"], hotline["password"])
    LOGOUT_TOKENS[("POST", "/staff/v1/logout")] = staff_session(ready["demo_admin"])
    PROTECTED_IDS += [h["handler_id"] for h in handlers]
    PROTECTED_IDS.append(get_json("/staff/v1/me", ready["staff_token"])["id"])

if HUB and CODE:
    public = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    challenge = f"workervoice/enrol/v1\n{normalize_code(CODE)}\npersonal\n{b64(public)}".encode()
    body = {"code": CODE, "mode": "personal", "public_key": b64(public), "platform": "api-fuzz",
            "signature": b64(KEY.sign(challenge))}
    request = urllib.request.Request(HUB + "/v1/enrol", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    DEVICE_ID = json.load(urllib.request.urlopen(request))["device_id"]
    PROTECTED_IDS.append(DEVICE_ID)

if HUB:
    document = json.load(urllib.request.urlopen(HUB + "/openapi.json"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
            OPERATIONS.append((method.upper(), pattern, path))
            requirements = operation.get("security", [])
            if any("device_signature" in requirement for requirement in requirements):
                SIGNED.append((method.upper(), pattern))
            if any("reader_session" in requirement for requirement in requirements):
                READER_ROUTES.append((method.upper(), pattern))

# Routes that end or disable what the fuzzer signs in with.
SELF_HARM = re.compile(r"^/admin/v1/(staff/accounts/[^/]+/(disable|revoke-sessions)|handlers/[^/]+/disable"
                       r"|devices/[^/]+/(retire|wipe))$")

_send = requests.Session.send


def _signed_send(self, prepared, **kwargs):
    path = prepared.path_url.split("?", 1)[0]
    if SELF_HARM.match(path):
        for protected in PROTECTED_IDS:
            if f"/{protected}/" in prepared.url:
                prepared.url = prepared.url.replace(f"/{protected}/", "/protected-from-the-fuzzer/")
                path = path.replace(f"/{protected}/", "/protected-from-the-fuzzer/")
    if (prepared.method, path) in LOGOUT_TOKENS:
        prepared.headers["authorization"] = "Bearer " + LOGOUT_TOKENS[(prepared.method, path)]
    elif READER_TOKEN and any(m == prepared.method and p.match(path) for m, p in READER_ROUTES):
        token = ANALYST_TOKEN if path.startswith("/handler/v1/surveys/") else READER_TOKEN
        prepared.headers["authorization"] = "Bearer " + token
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
    response = _send(self, prepared, **kwargs)
    template = next((t for m, p, t in OPERATIONS if m == prepared.method and p.match(path)), None)
    ANSWERS[(prepared.method, template or "<no route>")][response.status_code] += 1
    return response


requests.Session.send = _signed_send


@atexit.register
def _figures():
    """How far the run reached: requests, and which operations ever answered 2xx."""
    if not OPERATIONS or not ANSWERS:
        return
    requests_sent = sum(sum(counts.values()) for counts in ANSWERS.values())
    described = sorted({(m, t) for m, _, t in OPERATIONS})
    reached = [op for op in described if any(200 <= s < 300 for s in ANSWERS.get(op, {}))]
    statuses = collections.Counter()
    for counts in ANSWERS.values():
        statuses.update(counts)
    lines = [f"api-fuzz figures: {requests_sent} requests; {len(reached)} of {len(described)} operations "
             f"answered 2xx at least once; statuses {dict(sorted(statuses.items()))}"]
    lines += [f"  never 2xx: {m} {t} {dict(ANSWERS.get((m, t), {}))}" for m, t in described if (m, t) not in reached]
    report = os.environ.get("WV_FUZZ_FIGURES")
    if report:
        with open(report, "w") as out:
            out.write("\n".join(lines) + "\n")


@schemathesis.check
def error_code_conformance(ctx, response, case):
    """A refusal's code is one the description lists for its status."""
    described = case.operation.definition.raw.get("responses", {}).get(str(response.status_code), {})
    listed = described.get("x-error-codes")
    if not listed:
        return None
    try:
        code = response.json()["error"]["code"]
    except Exception as error:
        raise AssertionError(f"status {response.status_code} without an ErrorBody code") from error
    if code not in listed:
        raise AssertionError(f"status {response.status_code} with code `{code}`, not among {listed}")
    return None
