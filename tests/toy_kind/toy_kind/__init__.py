"""A toy inline hook kind: Okta asks the hook whether a visitor may enter; the hook answers
``com.example.toy.verdict`` with ``{"enter": true|false, "greeting": "..."}``. Everything about the kind is here."""

from okta_hook_emulator.payloads.catalog import HookKind

KIND = HookKind(
    name="toy",
    okta_type="com.example.toy.visit",
    title="Toy visit inline hook",
    inline=True,
    request_types=("front-door", "back-door"),
    variants=("adult", "child"),
    commands=("com.example.toy.verdict",),
    failure_mode="closed",
    on_failure="The visitor is turned away.",
    request_schema="toy_kind:schemas/toy_request.json",
    response_schema="toy_kind:schemas/toy_response.json",
    generator="toy_kind.logic:generate",
    rules=("toy_kind.logic:rules",),
    judge="toy_kind.logic:judge",
)
