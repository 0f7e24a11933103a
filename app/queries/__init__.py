"""Every SELECT the API runs lives here, as keyword-only list_*/get_* functions."""
