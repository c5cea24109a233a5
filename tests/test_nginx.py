"""deploy/nginx.conf run in a real nginx in front of the app: it compresses, caches static files and the
public portal, and never caches a signed-in page (docs/deploy.md)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

pytestmark = [
    pytest.mark.once,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (make install-dev installs it)"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _site(conf: str, *, app: str, port: int, folder: Path) -> str:
    """Return deploy/nginx.conf pointed at the test's app, on a local port, without TLS, caching in folder."""
    conf = re.sub(
        r"upstream pbr_app \{.*?keepalive", f"upstream pbr_app {{\n    server {app};\n    keepalive", conf, flags=re.S
    )
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    conf = re.sub(r"\s*ssl_certificate(_key)? [^;]+;", "", conf)
    conf = conf.replace("/var/cache/nginx/", f"{folder}/cache/")
    return conf.split("server {\n    listen 80;")[0]  # the HTTP → HTTPS redirect has no place here


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """Yield the base address of an nginx running deploy/nginx.conf in front of the live server."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # nginx passes the Host it was asked for
    port = _free_port()
    app = live_server.url.removeprefix("http://")
    site = _site(
        (Path(django_settings.BASE_DIR) / "deploy" / "nginx.conf").read_text(), app=app, port=port, folder=tmp_path
    )
    (tmp_path / "pbr.conf").write_text(site)
    (tmp_path / "cache").mkdir()  # as Debian's package makes /var/cache/nginx
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n    include {tmp_path}/pbr.conf;\n}}\n"
    )
    checked = subprocess.run(["nginx", "-t", "-c", tmp_path / "nginx.conf"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(["nginx", "-c", tmp_path / "nginx.conf"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:  # noqa: S310
        return response.status, response.headers, response.read()


def test_the_public_portal_is_cached_and_compressed(nginx):
    status, first, _ = _get(f"{nginx}/publico/", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert first["X-Cache-Status"] == "MISS"
    assert "Set-Cookie" not in first
    status, again, body = _get(f"{nginx}/publico/", **{"Accept-Encoding": "gzip"})
    assert again["X-Cache-Status"] == "HIT"
    assert again["Content-Encoding"] == "gzip"
    assert "/publico/" in gzip.decompress(body).decode()
    # Another encoding is another copy (the answer varies on it), never the compressed one.
    _, plain, body = _get(f"{nginx}/publico/")
    assert plain["Content-Encoding"] is None
    assert "/publico/" in body.decode()


def test_static_files_are_cached(nginx):
    _, first, body = _get(f"{nginx}/static/css/pbr.css")
    assert first["X-Cache-Status"] == "MISS"
    _, again, cached = _get(f"{nginx}/static/css/pbr.css")
    assert again["X-Cache-Status"] == "HIT"
    assert cached == body


def test_pages_outside_the_portal_always_reach_the_app(nginx):
    for _ in range(2):
        status, headers, _ = _get(f"{nginx}/cuenta/ingresar/")
        assert status == 200
        assert headers["X-Cache-Status"] is None  # no cache on this location: every request reaches the app
        assert "csrftoken" in (headers["Set-Cookie"] or "")


def test_answers_nginx_compresses_itself(nginx):
    """A JSON answer the app sends uncompressed (the schema) leaves nginx in gzip."""
    status, headers, body = _get(f"{nginx}/api/v1/schema/?format=json", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body)
