"""The edges of HTTP and of the database (issue 14, defect 6): conditional requests, redirects,
CORS refusals, and a database that is missing, unmigrated or damaged."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from tests.live import free_port

PROBLEM = "application/problem+json"
CLAIM = "/v1/claims/general-staff-russian-prisoners-2025-02-05"


def _is_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return dict(body)


# --- If-None-Match -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/claims/no-such-claim", 404),
        ("/v1/claims?limit=0", 422),
        ("/v1/no-such-route", 404),
    ],
)
@pytest.mark.parametrize("if_none_match", ["*", '"x-1", *'])
def test_if_none_match_never_turns_an_error_into_a_304(
    client: TestClient, path: str, status: int, if_none_match: str
) -> None:
    _is_problem(client.get(path, headers={"If-None-Match": if_none_match}), status)


def test_if_none_match_turns_a_200_into_a_304(client: TestClient) -> None:
    etag = client.get(CLAIM).headers["etag"]
    # Weak comparison (RFC 9110 13.1.2): a tag a proxy weakened still matches.
    for if_none_match in ("*", etag, f'"other", {etag}', f"W/{etag}", f'W/"other",W/{etag}'):
        response = client.get(CLAIM, headers={"If-None-Match": if_none_match})
        assert response.status_code == 304
        assert response.headers["etag"] == etag
        assert response.content == b""
    assert client.get(CLAIM, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [CLAIM, "/v1/claims?limit=2", "/v1/export/claims.csv?speaker=syrsky", "/v1/claims/nope", "/"],
)
def test_head_answers_as_get_without_the_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "etag", "x-row-count", "content-length"):
        assert head.headers.get(name) == got.headers.get(name), name


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_405_allows_get_and_head(client: TestClient, method: str) -> None:
    response = client.request(method, "/v1/claims")
    _is_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


def test_a_304_for_a_request_never_answered_needs_the_response(database_url: str) -> None:
    """No cache, first request: `*` is checked against the real response, not assumed."""
    settings = Settings(database_url=database_url, response_cache_bytes=0)
    with TestClient(create_app(settings)) as fresh:
        assert fresh.get(CLAIM, headers={"If-None-Match": "*"}).status_code == 304
        _is_problem(fresh.get("/v1/claims/nope", headers={"If-None-Match": "*"}), 404)


def test_a_cache_hit_has_the_headers_of_the_first_answer(client: TestClient) -> None:
    first = client.get("/v1/claims?limit=2&sort=-value", headers={"Origin": "http://a.example"})
    hit = client.get("/v1/claims?limit=2&sort=-value", headers={"Origin": "http://a.example"})
    assert hit.headers["x-cache"] == "hit"
    assert hit.headers["vary"] == first.headers["vary"] == "Origin"


# --- Redirects and CORS -----------------------------------------------------------------------


def test_a_redirect_never_echoes_the_host_header(client: TestClient) -> None:
    response = client.get(
        "/v1/claims/?limit=1", headers={"Host": "evil.example"}, follow_redirects=False
    )
    assert response.status_code in (301, 307, 308)
    assert response.headers["location"] == "/v1/claims?limit=1"


@pytest.mark.parametrize(
    ("method", "headers", "refused"),
    [("DELETE", "", "method"), ("GET", "X-Evil", "headers")],
)
def test_a_refused_cors_preflight_is_a_problem(
    client: TestClient, method: str, headers: str, refused: str
) -> None:
    request_headers = {"Origin": "http://a.example", "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    body = _is_problem(client.options("/v1/claims", headers=request_headers), 400)
    assert f"Disallowed CORS {refused}" in str(body["detail"])
    allowed = client.options(
        "/v1/claims",
        headers={"Origin": "http://a.example", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.status_code == 200


# --- The database: missing, unmigrated, damaged ------------------------------------------------


def _start(database_url: str) -> subprocess.Popen[bytes]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.port = port  # type: ignore[attr-defined]
    return process


@pytest.mark.parametrize("state", ["missing", "unmigrated"])
def test_a_missing_or_unmigrated_database_is_one_line_saying_what_to_run(
    tmp_path: Path, state: str
) -> None:
    path = tmp_path / "facts.db"
    if state == "unmigrated":
        sqlite3.connect(path).close()  # an empty SQLite file: no tables
    process = _start(f"sqlite:///{path}")
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    mine = [line for line in lines if line.startswith("kursk-api:")]
    assert len(mine) == 1, lines
    assert "scripts/seed.py" in mine[0]
    assert str(path) in mine[0]
    assert "Traceback" not in stderr.decode()


def test_a_database_at_an_older_revision_names_it(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("a copied SQLite file")
    path = tmp_path / "old.db"
    source = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(path)
    source.backup(target)
    target.execute("UPDATE alembic_version SET version_num = '0001'")
    target.commit()
    target.close()
    with pytest.raises(Exception, match=r"is at revision 0001, not \w+: run `uv run python"):
        create_app(Settings(database_url=f"sqlite:///{path}"))


def test_a_damaged_database_answers_503_problems_and_nothing_crashes(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    path.write_bytes(b"this is not a database " * 4096)
    process = _start(f"sqlite:///{path}")
    url = f"http://127.0.0.1:{process.port}"  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()[1].decode()
            try:
                health = httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        _is_problem(health, 503)
        assert "retry-after" in health.headers
        for path_ in ("/v1/claims", CLAIM, "/v1/stats", "/v1/claims/facets", "/v1/search?q=x"):
            _is_problem(httpx.get(f"{url}{path_}", timeout=5), 503)
        assert httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "Traceback" not in stderr.decode()
