"""The explorer: HTML pages over the public `/v1` API, served by the same app (issue 13)."""
