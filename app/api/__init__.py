"""HTTP layer: thin routers over `app.queries`, shared dependencies, error rendering."""
