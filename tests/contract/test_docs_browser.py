"""`/docs` and `/redoc` work offline: their JavaScript and CSS come from the app itself.

The browser test loads the pages in headless Chromium (Debian's `chromium`) from a live
uvicorn server, with every host name but the server's made unresolvable (`tests/browser.py`),
and looks for the rendered operation list.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.browser import render

DOCS_PAGES = ["/docs", "/redoc"]


class _AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def asset_urls(html: str) -> list[str]:
    parser = _AssetLinks()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_pages_reference_only_local_assets(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"https?://|//cdn|fonts\.googleapis", html), html
    urls = asset_urls(html)
    assert any(url.endswith(".js") for url in urls), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "/openapi.json" in html


def test_docs_assets_have_their_content_types(client: TestClient) -> None:
    html = client.get("/docs").text
    types = {
        url.rsplit(".", 1)[-1]: client.get(url).headers["content-type"] for url in asset_urls(html)
    }
    assert types["js"].startswith("text/javascript")
    assert types["css"].startswith("text/css")


@pytest.mark.browser
def test_swagger_ui_renders_the_operations_offline(live_server: str, tmp_path: Path) -> None:
    dom = render(f"{live_server}/docs", tmp_path / "profile")
    operation_ids = re.findall(r'class="opblock-summary-operation-id"[^>]*>([A-Za-z]+)<', dom)
    assert "listClaims" in operation_ids, dom[-3000:]
    assert {"getClaim", "listMetricSeries", "exportClaimsCsv", "getHealth"} <= set(operation_ids)
    assert len(re.findall(r'class="opblock opblock-get', dom)) == len(operation_ids) >= 20


@pytest.mark.browser
def test_redoc_renders_the_operations_offline(live_server: str, tmp_path: Path) -> None:
    dom = render(f"{live_server}/redoc", tmp_path / "profile")
    assert "operation/listClaims" in dom, dom[-3000:]
    assert "List claims" in dom
