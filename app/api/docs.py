"""The OpenAPI document's finishing touches and the `/docs` and `/redoc` pages.

The pages load Swagger UI and ReDoc from the app itself, never from a CDN, so they work on
an air-gapped network: the JavaScript and CSS are the ones the `fastapi-offline` package
ships (a maintained PyPI package that vendors `swagger-ui-dist` and ReDoc's standalone
bundle), served from `/static/docs/`.
"""

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.responses import HTMLResponse

from app.api.errors import PROBLEM_MEDIA_TYPE

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/static/docs"
ASSETS_DIR = files("fastapi_offline") / "static"

SWAGGER_UI_PARAMETERS = {
    "displayOperationId": True,  # show `listClaims` beside each operation: the client's name
    "defaultModelsExpandDepth": 0,
    "tryItOutEnabled": True,
}


def install_docs(app: FastAPI) -> None:
    """Serve `/docs` and `/redoc` from local assets and finish the OpenAPI document.

    Create the app with `docs_url=None, redoc_url=None`, then call this.
    """
    _finish_openapi(app)
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")
    oauth2_redirect_url = f"{DOCS_URL}/oauth2-redirect"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{oauth2_redirect_url}",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )


def _finish_openapi(app: FastAPI) -> None:
    """Two corrections to the document FastAPI generates.

    * Errors are only ever sent as `application/problem+json`, but FastAPI documents a
      response `model` under the route's own media type too (`application/json`,
      `text/plain`): keep only the problem+json entry where there is one.
    * FastAPI drops every null from the document, the nulls inside examples included, so
      that `"event": null` vanishes and the example no longer matches its schema: put the
      models' examples back as pydantic writes them.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            _problem_json_only(document)
            _restore_examples(document, _model_schemas(app))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problem_json_only(document: dict[str, Any]) -> None:
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if PROBLEM_MEDIA_TYPE in content:
                    response["content"] = {PROBLEM_MEDIA_TYPE: content[PROBLEM_MEDIA_TYPE]}


def _model_schemas(app: FastAPI) -> dict[str, Any]:
    """The JSON schemas pydantic writes for every model the routes document, by name."""
    models: dict[str, type[BaseModel]] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        candidates = [route.response_model, *(r.get("model") for r in route.responses.values())]
        for model in candidates:
            if isinstance(model, type) and issubclass(model, BaseModel):
                models[model.__name__] = model
    _, schema = models_json_schema(
        [(model, "validation") for _, model in sorted(models.items())],
        ref_template="#/components/schemas/{model}",
    )
    return dict(schema.get("$defs", {}))


def _restore_examples(document: dict[str, Any], models: dict[str, Any]) -> None:
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        source = models.get(name)
        if source is None:
            continue
        if "examples" in source:
            schema["examples"] = source["examples"]
        for field, spec in schema.get("properties", {}).items():
            source_field = source.get("properties", {}).get(field, {})
            if "examples" in source_field:
                spec["examples"] = source_field["examples"]
