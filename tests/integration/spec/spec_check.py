#!/usr/bin/env python3
"""Checks the OpenAPI document a running server answers at /?spec (issue 9 item 1).

  spec_check.py validate BASE_URL   the document validates as OpenAPI 3 (openapi-spec-validator)
                                    and has the top-level fields the original's test asks for
  spec_check.py x-amples BASE_URL   every x-ample runs against the server and its status,
                                    headers and body match, the way the original's spec test
                                    (test/features/app/spec.js) and service-checker judge them

Prints one line per check and exits 1 if any failed (or if there was nothing to check).
"""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


def fetch(url, headers=None):
    """(status, headers with lower-case names, body text) of a GET, without redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode()


def get_spec(base):
    status, headers, body = fetch(base + "/?spec")
    if status != 200:
        raise SystemExit(f"not ok - GET /?spec answered {status}: {body}")
    if not headers.get("content-type", "").startswith("application/json"):
        raise SystemExit(f"not ok - GET /?spec content-type {headers.get('content-type')}")
    return json.loads(body)


class Mismatch(Exception):
    pass


def cmp(result, expected, what):
    """The original's cmp(): /regex/, prefix match, or equality; objects and lists member-wise."""
    if expected is None:
        return
    if result is None:
        result = ""
    if isinstance(expected, dict):
        for key, value in expected.items():
            if not isinstance(result, dict) or key not in result:
                raise Mismatch(f"{what}: field {key} not found")
            cmp(result[key], value, f"{what}.{key}")
        return
    if isinstance(expected, list):
        if not isinstance(result, list):
            raise Mismatch(f"{what}: expected a list, got {result!r}")
        if len(expected) == 1 and len(result) > 1:
            for item in result:
                cmp(item, expected[0], what)
            return
        if len(expected) != len(result):
            raise Mismatch(f"{what}: {len(result)} items, expected {len(expected)}")
        for item, exp in zip(result, expected):
            cmp(item, exp, what)
        return
    if isinstance(expected, bool) or isinstance(expected, (int, float)):
        if result != expected:
            raise Mismatch(f"{what}: {result!r} != {expected!r}")
        return
    expected = str(expected)
    text = result if isinstance(result, str) else json.dumps(result)
    if len(expected) > 1 and expected.startswith("/") and expected.endswith("/"):
        if re.search(expected[1:-1], text):
            return
    elif text == expected or text.startswith(expected):
        return
    raise Mismatch(f"{what}: {text!r} does not match {expected!r}")


def query_string(query):
    def text(v):
        return "true" if v is True else "false" if v is False else str(v)

    return urllib.parse.urlencode({k: text(v) for k, v in query.items()})


def expand(path, params):
    def one(m):
        name = m.group(1)
        if name not in params:
            raise Mismatch(f"missing parameter {name} for {path}")
        return urllib.parse.quote(str(params[name]), safe="")

    return re.sub(r"\{([^}]+)\}", one, path)


def test_cases(spec):
    """(title, path, request, expected response) as the original's constructTests() makes them."""
    defaults = spec.get("x-default-params", {})
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if "x-monitor" in op and not op["x-monitor"]:
                continue
            if method != "get":
                raise Mismatch(f"{path}: only GET examples are run here, not {method}")
            examples = op.get("x-amples")
            if not examples:
                yield path, expand(path, defaults), {}, {"status": 200}
                continue
            for ex in examples:
                if "title" not in ex:
                    raise Mismatch(f"{path}: an x-ample without a title")
                request = ex.get("request") or {}
                params = dict(defaults, **request.get("params", {}))
                yield ex["title"], expand(path, params), request, ex.get("response") or {}


def run_example(base, path, request, expected):
    url = base + path
    if request.get("query"):
        url += "?" + query_string(request["query"])
    status, headers, body = fetch(url, request.get("headers"))
    want = expected.get("status", 200)
    if status != want:
        raise Mismatch(f"GET {url}: status {status}, expected {want}: {body[:300]}")
    for name, value in (expected.get("headers") or {}).items():
        if name.lower() not in headers:
            raise Mismatch(f"GET {url}: header {name} not found")
        cmp(headers[name.lower()], value, f"header {name}")
    exp_body = expected.get("body")
    if exp_body is None:
        return
    if isinstance(exp_body, (dict, list)):
        try:
            body = json.loads(body)
        except ValueError:
            raise Mismatch(f"GET {url}: body is not JSON: {body[:300]}")
    cmp(body, exp_body, "body")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("validate", "x-amples"):
        raise SystemExit(__doc__)
    mode, base = sys.argv[1], sys.argv[2].rstrip("/")
    spec = get_spec(base)
    failures = 0
    checks = 0
    if mode == "validate":
        from openapi_spec_validator import validate

        for field in ("info", "openapi", "paths"):
            checks += 1
            if not spec.get(field):
                failures += 1
                print(f"not ok - no {field} field")
        checks += 1
        try:
            validate(spec)
            print(f"ok - valid OpenAPI {spec.get('openapi')} ({len(spec.get('paths', {}))} paths)")
        except Exception as e:  # the validator's errors say where
            failures += 1
            print(f"not ok - invalid OpenAPI document: {e}")
    else:
        try:
            cases = list(test_cases(spec))
        except Mismatch as e:
            raise SystemExit(f"not ok - {e}")
        for title, path, request, expected in cases:
            checks += 1
            try:
                run_example(base, path, request, expected)
                print(f"ok - {title} (GET {path})")
            except Mismatch as e:
                failures += 1
                print(f"not ok - {title}: {e}")
    print(f"{checks - failures} passed, {failures} failed")
    sys.exit(1 if failures or not checks else 0)


if __name__ == "__main__":
    main()
