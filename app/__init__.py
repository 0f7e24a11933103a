"""Kursk Fact Database: a read-only API over sourced claims about the Kursk operation."""
