"""schemathesis hooks for scripts/api-fuzz (ADR 0022).

A framed submission and a batch of them are bytes of the hub's own media
types: send them as schemathesis sends application/octet-stream.
"""

import schemathesis

schemathesis.serializer.alias(
    ["application/vnd.workervoice.submission", "application/vnd.workervoice.submission-batch"],
    "application/octet-stream",
)
