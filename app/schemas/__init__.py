"""Response schemas: the public shape of every resource, as the OpenAPI document shows it."""
