"""Schemathesis checks of the shop's own, loaded by scripts/fuzz-contracts."""
import schemathesis


@schemathesis.check
def v1_errors_are_problem_json(ctx, response, case):
    """Every 4xx and 5xx under /v1 is RFC 9457 problem+json with its status."""
    path = case.operation.path
    if not path.startswith("/v1/") or response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} on {path} is {content_type!r}, not application/problem+json")
    body = response.json()
    if body.get("status") != response.status_code or not body.get("title"):
        raise AssertionError(f"problem body without matching status/title: {body}")
    return None
