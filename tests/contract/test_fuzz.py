"""Schemathesis against every operation, in-process over ASGI, with all its checks: no 5xx,
every response matches its documented status, content type, headers and schema, invalid
input gets a 4xx, valid input is accepted (see schemathesis.toml for the one allowance).

Bounded and deterministic for CI; `scripts/fuzz.sh` runs longer against a live server.

The schema is the committed snapshot, which test_openapi_snapshot.py keeps equal to what
the app serves. (Loading it from the app through a fixture, `schemathesis.pytest.
from_fixture`, fails on pytest 9.2 with Schemathesis 4.32: `Function` has no `_nodeid`.)
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.config import SchemathesisConfig

from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from tests.contract.conftest import FUZZ_CASES

CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")
SNAPSHOT = PROJECT_ROOT / "tests" / "snapshots" / "openapi.json"

pytestmark = pytest.mark.fuzz

schema = schemathesis.openapi.from_path(
    SNAPSHOT, config=SchemathesisConfig.from_path(str(CONFIG_FILE))
)


@pytest.fixture(scope="module")
def fuzz_app(database_url: str) -> Iterator[FastAPI]:
    app = create_app(Settings(database_url=database_url))
    with TestClient(app):  # run the lifespan around the whole module
        yield app


@schema.parametrize()
def test_api_contract(case: schemathesis.Case, fuzz_app: FastAPI) -> None:
    FUZZ_CASES[case.operation.label] += 1
    case.call_and_validate(app=fuzz_app)
