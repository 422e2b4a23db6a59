"""Headers and assets: a Content-Security-Policy without inline script or style, HSTS and
secure cookies in production, TLS behind a proxy, Swagger UI from Spor's own files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from workflow_project.env import env_proxy_ssl_header

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
INLINE = {
    "script element with a body": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_parts(html: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


def project_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(
        path for folder in folders if ".venv" not in folder.parts for path in folder.rglob("*.html")
    )


def test_no_template_has_inline_script_style_or_handlers():
    templates = project_templates()
    assert len(templates) > 30
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := inline_parts(path.read_text()))
    }
    assert offenders == {}


def test_pages_carry_a_policy_without_inline_script_or_style(copenhagen):
    client = Client()
    signed_out = client.get("/sign-in/")
    client.force_login(copenhagen.administrator)
    pages = [signed_out] + [
        client.get(url)
        for url in ("/", "/innovations/", "/portfolio/", "/my/preferences/", "/my/tokens/")
    ]
    for page in pages:
        assert page.status_code == 200
        policy = page["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy
        assert inline_parts(page.content.decode()) == []


def test_swagger_ui_comes_from_spors_own_static_files():
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert inline_parts(html) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    for source in sources:
        assert source.startswith("/"), source  # nothing from another origin (no CDN)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    # the init script is a file of its own, and points at the schema
    script_url = next(s for s in sources if "script=" in s)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert "validator.swagger.io" not in script.content.decode()


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-variety-8f3K#q!",
    "ALLOWED_HOSTS": "spor.example.dk",
    "SITE_URL": "https://spor.example.dk",
    "SPOR_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "DJANGO_SETTINGS_MODULE": "workflow_project.settings",
}


def production(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV, **(extra or {})}
    # the browser tests' conftest allows sync ORM calls in this process; production does not
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_send_hsts_and_secure_cookies_and_trust_the_proxy_header():
    shown = production(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == (
        "31536000 True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_behind_the_proxy_https_requests_get_hsts_and_http_ones_are_redirected(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    plain = client.get("/sign-in/", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/sign-in/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("raw", ["X Forwarded Proto", "=https", "X-Forwarded-Proto;https"])
def test_a_malformed_proxy_header_setting_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("SPOR_PROXY_SSL_HEADER", raw)
    with pytest.raises(ImproperlyConfigured, match="SPOR_PROXY_SSL_HEADER"):
        env_proxy_ssl_header("SPOR_PROXY_SSL_HEADER")


def test_the_proxy_header_setting_is_parsed(monkeypatch):
    monkeypatch.setenv("SPOR_PROXY_SSL_HEADER", "X-Forwarded-Proto=on")
    assert env_proxy_ssl_header("SPOR_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "on")
    monkeypatch.delenv("SPOR_PROXY_SSL_HEADER")
    assert env_proxy_ssl_header("SPOR_PROXY_SSL_HEADER") is None
