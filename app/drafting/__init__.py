"""Draft an article's seed YAML from its text: every figure proposed as a claim, with the
evidence for each guess and a `review:` list of what a curator must still check (issue 11)."""
