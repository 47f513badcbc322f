"""A telephony inline hook written as a bare ASGI app (no framework): it "sends" the OTP itself,
except to numbers it cannot reach, where it answers FAILED so Okta fails over to its own providers."""

import json

UNREACHABLE_PREFIX = "+999"


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] != "POST" or scope["path"] != "/hooks/telephony":
        await _respond(send, 404, {"error": "not found"})
        return
    phone = json.loads(body)["data"]["messageProfile"]["phoneNumber"]
    status = "FAILED" if phone.startswith(UNREACHABLE_PREFIX) else "SUCCESSFUL"
    await _respond(send, 200, {"commands": [{
        "type": "com.okta.telephony.action",
        "value": [{"status": status, "provider": "ACME-SMS", "transactionId": "tx-" + phone[-4:],
                   "transactionMetadata": "Duration=12ms"}],
    }]})


async def _respond(send, status, payload):
    data = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
