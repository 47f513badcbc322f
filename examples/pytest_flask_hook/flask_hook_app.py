"""A small Okta hook service written with Flask: an event hook, a token inline hook and a registration
inline hook, all behind one shared secret in the Authorization header."""

import time

from flask import Flask, abort, jsonify, request

SECRET = "s3cr3t-for-tests"


def create_app(secret: str = SECRET) -> Flask:
    app = Flask(__name__)
    app.config["RECEIVED_EVENTS"] = []

    @app.before_request
    def check_secret():
        if request.headers.get("Authorization") != secret:
            abort(401)

    @app.get("/hooks/events")
    def verify_event_hook():
        return jsonify(verification=request.headers["X-Okta-Verification-Challenge"])

    @app.post("/hooks/events")
    def receive_events():
        for event in request.get_json()["data"]["events"]:
            app.config["RECEIVED_EVENTS"].append(event["uuid"])
        return "", 204

    @app.post("/hooks/token")
    def token_hook():
        return jsonify(commands=[{
            "type": "com.okta.identity.patch",
            "value": [{"op": "add", "path": "/claims/tier", "value": "gold"}],
        }])

    @app.post("/hooks/registration")
    def registration_hook():
        email = request.get_json()["data"]["userProfile"]["email"]
        if email.endswith("@example.com"):
            return "", 204  # allow, no changes
        return jsonify(
            commands=[{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
            error={"errorSummary": "Only example.com emails can register.",
                   "errorCauses": [{"errorSummary": "Only example.com emails can register.",
                                    "reason": "INVALID_EMAIL_DOMAIN", "locationType": "body",
                                    "location": "data.userProfile.email", "domain": "end-user"}]},
        )

    @app.post("/hooks/slow-token")
    def slow_token_hook():
        time.sleep(1)  # slower than the budget the test gives it
        return "", 204

    return app
