"""The seed loader: `seeds/` (YAML annotations + article texts) -> a validated, loaded database."""
