"""The explorer's pages through HTTP (TestClient): what each shows, how many `/v1` calls it
makes, its links, and HTML 404s. The headless-browser checks are in test_browser.py."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.explorer.chart import series_chart
from app.explorer.form import operation_parameters
from app.explorer.marks import Quote, marked_paragraphs, paragraph_bounds
from app.explorer.router import CALLS_HEADER, templates

CLAIM_909 = "general-staff-russian-prisoners-2025-02-05"
SOURCE_ABC = "abc-zelenskyy-war-back-to-russia-2025-01-06"
PAGES = [
    "/",
    "/?speaker=oleksandr-syrskyi&qualifier=at_least",
    f"/claims/{CLAIM_909}",
    "/claims/perpetua-makhnovka-casualties-2025-01-06",
    "/metrics/prisoners-captured",
    "/metrics/equipment-losses?include_narrower=true",
    "/disagreements",
    "/disagreements?metric=prisoners-captured&subject=russian-forces",
    "/events",
    f"/sources/{SOURCE_ABC}",
]
MAX_API_CALLS = 5


def claim_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="claim-([^"]+)"', html)


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


@pytest.mark.parametrize("page", PAGES)
def test_page_is_html_built_from_a_handful_of_api_calls(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200, response.text[-2000:]
    assert response.headers["content-type"].startswith("text/html")
    assert 1 <= int(response.headers[CALLS_HEADER]) <= MAX_API_CALLS
    html = response.text
    assert '<html lang="en">' in html and "<title>" in html
    # Offline: nothing loaded from another host (a link to a source's URL may lead out).
    assert not re.search(r'src="(https?:)?//|<link[^>]*href="(https?:)?//', html)
    assert '<link rel="stylesheet" href="/static/explorer/explorer.css">' in html
    for asset in ("/static/explorer/explorer.css", "/static/explorer/explorer.js"):
        assert client.get(asset).status_code == 200


def claim_count(client: TestClient) -> int:
    return int(client.get("/v1/stats").json()["claims"])


def test_front_door_is_the_claims_table(client: TestClient) -> None:
    html = client.get("/").text
    count = claim_count(client)
    assert len(claim_rows(html)) == count >= 44
    assert f"<span data-total>{count}</span> claims" in html


def test_the_explorer_is_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert all(path.startswith("/v1/") or path == "/health" for path in paths), list(paths)


def test_every_list_claims_parameter_is_a_labelled_control(client: TestClient) -> None:
    html = client.get("/").text
    app = client.app
    for parameter in operation_parameters(app, "listClaims"):  # type: ignore[arg-type]
        name = parameter["name"]
        if name in ("cursor", "count"):
            continue
        assert f'name="{name}"' in html, name
        assert f'id="hint-{name}"' in html, name
    # Each text control and select has a <label for=...> naming it.
    ids = re.findall(r'<(?:input|select) id="([^"]+)"', html)
    assert ids and all(f'for="{i}"' in html for i in ids), ids


def test_a_filter_in_the_url_narrows_the_table_and_fills_the_form(client: TestClient) -> None:
    html = client.get("/?speaker=oleksandr-syrskyi&metric=prisoners-captured").text
    assert claim_rows(html) == ["syrskyi-russian-prisoners-2025-01-01"]
    assert re.search(r'<option value="oleksandr-syrskyi" selected>Oleksandr Syrskyi</option>', html)
    assert re.search(r'<option value="prisoners-captured" selected>', html)
    # The export links carry the same filters.
    csv = next(h for h in hrefs(html) if h.startswith("/v1/export/claims.csv"))
    assert sorted(parse_qsl(urlsplit(csv).query)) == [
        ("metric", "prisoners-captured"),
        ("speaker", "oleksandr-syrskyi"),
    ]
    rows = client.get(csv).text.strip().splitlines()
    assert len(rows) == 2 and "syrskyi-russian-prisoners-2025-01-01" in rows[1]


def test_facet_links_narrow_and_an_active_one_widens_back(client: TestClient) -> None:
    html = client.get("/").text
    link = next(h for h in hrefs(html) if h == "/?speaker=oleksandr-syrskyi")
    narrowed = client.get(link).text
    assert len(claim_rows(narrowed)) == 4
    assert 'aria-current="true" class="active" title="Remove this filter">✕ Oleksandr' in narrowed
    # A month facet sets both ends of the stated range, and leads to as many claims as it
    # counts: those dated within the month (overlap would add the three dated "2025").
    month = "/?stated_from=2025-01&stated_to=2025-01&date_match=within"
    assert month in hrefs(html)
    counted = client.get("/v1/claims/facets").json()["stated_month"]
    [january] = [f["count"] for f in counted if f["value"] == "2025-01"]
    assert len(claim_rows(client.get(month).text)) == january == 14
    # A year counts the claims dated only to that year, and leads to them.
    year = "/?stated_from=2025&stated_to=2025&stated_precision=year"
    assert year in hrefs(html)
    [only_2025] = [f["count"] for f in counted if f["value"] == "2025"]
    assert len(claim_rows(client.get(year).text)) == only_2025 == 3


def test_keyset_paging_follows_next_cursor_through_every_claim(client: TestClient) -> None:
    seen: list[str] = []
    page = "/?limit=20"
    for _ in range(5):
        html = client.get(page).text
        seen += claim_rows(html)
        following = re.search(r'<a href="([^"]+)" rel="next">', html)
        if following is None:
            break
        page = unescape(following.group(1))
        assert "cursor=" in page and "limit=20" in page
    assert len(seen) == len(set(seen)) == claim_count(client)


@pytest.mark.parametrize(
    ("page", "unknown"),
    [
        ("/?speakr=syrsky", "speakr"),
        ("/events?from=2025", "from"),
        ("/metrics/personnel-casualties?subject=russian-forces", "subject"),
        ("/disagreements?metrics=prisoners-captured", "metrics"),
        ("/claims/general-staff-russian-prisoners-2025-02-05?limit=1", "limit"),
    ],
)
def test_a_parameter_the_page_does_not_take_is_refused(
    client: TestClient, page: str, unknown: str
) -> None:
    """A shared link with a misspelt filter showed every claim as if it were filtered."""
    response = client.get(page)
    assert response.status_code == 400
    assert f"unknown parameter {unknown};" in response.text


def test_a_refused_filter_says_why_with_400(client: TestClient) -> None:
    response = client.get("/?stated_from=2025-13")
    assert response.status_code == 400
    assert 'role="alert">The API refused these filters' in response.text


def test_dates_show_at_their_precision(client: TestClient) -> None:
    html = client.get("/?metric=territory-controlled").text
    row = html[html.index('<tr id="claim-syrskyi-territory-held-2025"') :]
    row = row[: row.index("</tr>")]
    assert "stated 2025</span>" in row and "period to 2025</span>" in row
    assert "2025-01-01" not in row


def test_claim_page_marks_the_quote_inside_its_paragraph(client: TestClient) -> None:
    html = client.get(f"/claims/{CLAIM_909}").text
    assert (
        '<p class="passage"><mark>Ukrainian soldiers captured 909 occupiers</mark>, allowing '
        "hundreds of defenders held in Russian prisons to return home.</p>"
    ) in html
    assert 'href="/sources/general-staff-kursk-operation-summary-2025-02-06"' in html
    # Neighbours on the same metric and subject, and what was compared for disagreements.
    assert "/claims/syrskyi-russian-prisoners-2025-01-01" in html
    assert "/claims/general-staff-russian-prisoners-2025-01-06" in html
    assert "/disagreements?metric=prisoners-captured&amp;subject=russian-forces" in html


def test_claim_page_shows_its_event(client: TestClient) -> None:
    html = client.get("/claims/perpetua-makhnovka-casualties-2025-01-06").text
    assert '<a href="/events#event-makhnovka-failed-assault">' in html
    assert 'id="event-makhnovka-failed-assault"' in client.get("/events").text


def test_series_page_draws_each_point_as_a_link_to_its_claim(client: TestClient) -> None:
    html = client.get("/metrics/prisoners-captured").text
    svg = html[
        html.index('<svg class="series-chart"') : html.index("</svg>", html.index("series-chart"))
    ]
    assert 'role="img"' in svg and '<title id="chart-title">' in svg
    points = dict(re.findall(r'<a href="/claims/([^"]+)" class="point" data-value="([^"]+)"', svg))
    assert points == {
        "syrskyi-russian-prisoners-2025-01-01": "700+",
        "general-staff-russian-prisoners-2025-01-06": "860",
        CLAIM_909: "909",
    }
    # "over 700" has no upper bound: an arrow, not a capped bar.
    assert svg.count('marker-end="url(#arrow-2)"') == 1
    assert "<h2>Undated claims</h2>" in html and "<h2>Points</h2>" in html


def test_narrower_metrics_are_a_choice_and_never_share_a_line(client: TestClient) -> None:
    alone = client.get("/metrics/equipment-losses").text
    assert 'href="/metrics/equipment-losses?include_narrower=true"' in alone
    assert alone.count('class="point"') == 1
    mixed = client.get("/metrics/equipment-losses?include_narrower=true").text
    assert mixed.count('class="point"') == 10
    lines = re.findall(r'data-series="([^"]+)"', mixed)
    assert len(lines) == len(set(lines)) == 10
    assert any(line.endswith(": UAV losses") for line in lines)
    # The API draws the same lines: one series per (speaker, subject, metric).
    series = client.get("/v1/metrics/equipment-losses/series?include_narrower=true").json()
    assert len(series["series"]) == 10
    for line in series["series"]:
        assert {p["metric_id"] for p in line["points"]} == {line["metric"]["id"]}


def test_disagreements_page_says_what_was_compared_when_none(client: TestClient) -> None:
    html = client.get("/disagreements?metric=prisoners-captured&subject=russian-forces").text
    assert "No disagreement found" in html
    comparison = client.get(
        "/v1/disagreements", params={"metric": "prisoners-captured", "subject": "russian-forces"}
    ).json()["comparison"]
    assert f"Compared: <strong>{comparison['claims']}</strong> claims" in html
    assert comparison["claims"] == 3
    bands_overlap = comparison["not_conflicting"]["bands_overlap"]
    assert f"<li>{bands_overlap} compared: bands overlap</li>" in html


def test_a_disagreement_renders_side_by_side_with_both_quotes(client: TestClient) -> None:
    a = client.get(f"/v1/claims/{CLAIM_909}").json()
    b = client.get("/v1/claims/general-staff-russian-prisoners-2025-01-06").json()
    pair = {
        "metric": a["metric"],
        "subject": a["subject"],
        "claim_a": a,
        "claim_b": b,
        "gap": 49.0,
        "comparability": "same_event",
        "reason": "A rendering check, not a finding.",
    }
    html = templates.get_template("disagreements.html").render(
        pairs=[pair],
        comparison=client.get("/v1/disagreements").json()["comparison"],
        choices={},
        chosen={},
        api_calls=[],
    )
    sides = re.findall(r'<section class="side"', html)
    assert len(sides) == 2
    assert "Ukrainian soldiers captured 909 occupiers" in html
    assert "Gap 49" in html and "A rendering check, not a finding." in html


def test_source_page_marks_every_quote_and_links_it_to_its_claim(client: TestClient) -> None:
    html = client.get(f"/sources/{SOURCE_ABC}").text
    claims = client.get("/v1/claims", params={"source": SOURCE_ABC}).json()["items"]
    quotes = [c for claim in claims for c in claim["citations"] if c["source_id"] == SOURCE_ABC]
    marked = re.findall(r"<mark>(.*?)</mark>", html)
    assert len(marked) >= len({(q["char_start"], q["char_end"]) for q in quotes}) >= 4
    for claim in claims:
        assert f'<sup><a href="/claims/{claim["id"]}"' in html


def test_events_page_is_a_timeline_in_date_order(client: TestClient) -> None:
    html = client.get("/events").text
    timeline = html[html.index('<ol class="timeline">') : html.index("</ol>")]
    dates = re.findall(r'<time datetime="([^"]+)">', timeline)
    starts = re.findall(r'<p class="when"><time datetime="([^"]+)">', timeline)
    assert dates and starts == sorted(starts)
    assert "/claims/kyiv-territory-captured-2024" in timeline


@pytest.mark.parametrize(
    "page", ["/claims/no-such-claim", "/metrics/no-such-metric", "/sources/no-such-source"]
)
def test_unknown_ids_get_an_html_404(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text and "no-such-" in response.text


def test_paragraphs_split_on_blank_lines_and_keep_offsets() -> None:
    text = "One.\nStill one.\n\n  \nTwo.\n\nThree.\n"
    assert [text[a:b] for a, b in paragraph_bounds(text)] == ["One.\nStill one.", "Two.", "Three."]


def test_overlapping_quotes_cut_the_text_and_each_ends_with_its_link() -> None:
    text = "Alpha beta gamma delta.\n\nOther paragraph."
    first, second = Quote(0, 16, "/claims/a", 1), Quote(6, 23, "/claims/b", 2)
    (paragraph,) = marked_paragraphs(text, [first, second], only_quoted=True)
    pieces = [
        (p.text, [q.number for q in p.quotes], [q.number for q in p.ending])
        for p in paragraph.pieces
    ]
    assert pieces == [("Alpha ", [1], []), ("beta gamma", [1, 2], [1]), (" delta.", [2], [2])]
    assert len(marked_paragraphs(text, [first], only_quoted=False)) == 2


def test_chart_draws_open_bands_to_the_top_and_bands_as_error_bars() -> None:
    point = {
        "claim_id": "c",
        "reference_date": "2025-01",
        "reference_precision": "month",
        "value": 700,
        "value_low": 700,
        "value_high": None,
        "qualifier": "at_least",
        "metric_id": "m",
    }
    ranged = {
        **point,
        "claim_id": "d",
        "value": 100,
        "value_low": 90,
        "value_high": 110,
        "qualifier": "approximate",
        "reference_date": "2025-02-03",
        "reference_precision": "day",
    }
    entity = {"id": "x", "name": "X"}
    metric = {"id": "m", "name": "M", "unit": "persons", "kind": "flow"}
    chart = series_chart(
        [{"speaker": entity, "subject": entity, "metric": metric, "points": [point, ranged]}]
    )
    assert chart is not None
    (line,) = chart.lines
    over, approximately = line.points
    assert over.open_up and over.y_high == chart.top and over.label == "700+"
    assert over.x_to - over.x_from > 20  # a month-dated point spans its month
    assert (
        not approximately.open_up and approximately.y_high < approximately.y < approximately.y_low
    )
    assert approximately.label == "~100"


def test_filters_added_to_the_api_appear_in_the_form_and_facets(client: TestClient) -> None:
    """The form is read from the OpenAPI document: `hedge`, `date_match` and `latest` (issue
    10) are controls without the explorer naming them."""
    html = client.get("/").text
    assert '<select id="f-hedge-1" name="hedge"' in html
    assert '<select id="f-date_match-1" name="date_match"' in html
    assert '<input type="checkbox" name="latest" value="true"' in html
    link = next(h for h in hrefs(html) if h == "/?hedge=more+than")
    assert len(claim_rows(client.get(link).text)) == 3
    latest = client.get(
        "/?metric=prisoners-captured&speaker=general-staff-ukraine&latest=true"
    ).text
    assert claim_rows(latest) == ["general-staff-russian-prisoners-2025-02-05"]


def test_the_heading_counts_what_the_table_lists(client: TestClient) -> None:
    html = client.get("/?metric=prisoners-captured&latest=true").text
    assert len(claim_rows(html)) == 2
    assert "<span data-total>2</span> claims match the filters" in html


@pytest.mark.parametrize(
    ("listing", "page"),
    [
        ("/v1/claims?limit=500", "/claims/{}"),
        ("/v1/sources", "/sources/{}"),
        ("/v1/metrics", "/metrics/{}"),
    ],
)
def test_every_claim_source_and_metric_has_a_page(
    client: TestClient, listing: str, page: str
) -> None:
    """Odd data (ranges, open bands, no subject, no dates) renders too, in a handful of calls."""
    ids = [item["id"] for item in client.get(listing).json()["items"]]
    assert ids
    for item_id in ids:
        response = client.get(page.format(item_id))
        assert response.status_code == 200, (item_id, response.text[-1500:])
        assert int(response.headers[CALLS_HEADER]) <= MAX_API_CALLS, item_id


def test_disagreements_page_shows_every_pair_the_api_lists(client: TestClient) -> None:
    listed = client.get("/v1/disagreements").json()["items"]
    html = client.get("/disagreements").text
    assert html.count('<article class="pair">') == len(listed)
    for pair in listed:
        for side in ("claim_a", "claim_b"):
            assert f'href="/claims/{pair[side]["id"]}"' in html
            assert f"“{pair[side]['citations'][0]['quote']}”" in unescape(html)
        claim_page = client.get(f"/claims/{pair['claim_a']['id']}").text
        disagreements = claim_page.split("<h2>Disagreements</h2>")[1].split("<h2>")[0]
        assert f'href="/claims/{pair["claim_b"]["id"]}"' in disagreements
