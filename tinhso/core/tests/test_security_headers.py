"""Content-Security-Policy on every response, and API docs served from the platform itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=:(]\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _policy(response: Any) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/dich-vu-cong/",
        "/tai-khoan/dang-nhap/",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/schema/",
        "/api/services/dossiers/",
        "/khong-co-trang-nay/",
        "/healthz",
    ],
)
def test_every_response_carries_the_policy(client: Any, path: str) -> None:
    response = client.get(path)
    assert _policy(response) == POLICY


def test_the_api_docs_page_loads_nothing_from_another_origin(client: Any) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not EXTERNAL.search(html)
    assert "<style" not in html
    assert len(re.findall(r"<script src=\"[^\"]+\"></script>", html)) == html.count("<script") == 3  # none inline
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/css/swagger.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/api/docs/?script=",
    ]
    for source in sources[:-1]:
        assert finders.find(source.removeprefix("/static/")), source
    script = client.get("/api/docs/?script=")
    assert (script.status_code, script.headers["Content-Type"]) == (200, "application/javascript")
    text = script.content.decode()
    assert "SwaggerUIBundle(" in text
    assert '"validatorUrl": null' in text  # no badge fetched from the public online validator
    assert "http://" not in text
    assert "https://" not in text


def test_no_template_has_inline_script_style_or_handler() -> None:
    """The policy runs no inline code: behaviour lives in static/js, looks in static/css."""
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
    )
    offenders = []
    for root in [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("tinhso/*/templates")]:
        for template in root.rglob("*.html"):
            text = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"))
            name = template.relative_to(settings.BASE_DIR)
            offenders += [f"{name}: {match.group()}" for match in inline.finditer(text)]
    assert offenders == []
