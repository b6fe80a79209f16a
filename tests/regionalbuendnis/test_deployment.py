"""What the Docker image build does, done here: collectstatic with production settings, then serving.

Docker itself is not available in the test environment; these steps are the ones the Dockerfile runs.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Exactly `manage.py collectstatic` with the production storage, but without writing .gz/.br
# copies: compressing takes minutes and cannot fail, the manifest (every referenced file found) can.
COLLECT_WITHOUT_COMPRESSION = """
import django
from whitenoise.compress import Compressor
Compressor.should_compress = lambda self, filename: False
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""

SERVE_COLLECTED = """
import json, django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
client = Client(HTTP_HOST="example.org")
result = {}
for name in ["vendor/bootstrap/css/bootstrap.min.css", "vendor/bootstrap/js/bootstrap.bundle.min.js",
             "vendor/bootstrap-icons/bootstrap-icons.min.css", "css/app.css"]:
    url = staticfiles_storage.url(name)
    response = client.get(url, secure=True)
    result[name] = [url, response.status_code, response.get("Cache-Control", "")]
print(json.dumps(result))
"""


def production(args, tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "regionalbuendnis.settings.production",
        "SECRET_KEY": "build-only",
        "ALLOWED_HOSTS": "example.org",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_collected_assets_are_served_by_the_app_in_production(tmp_path):
    collected = production(["-c", COLLECT_WITHOUT_COMPRESSION], tmp_path)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    # npm packages (node_modules) end up in the image's static files, with hashed names.
    assert manifest["vendor/bootstrap/css/bootstrap.min.css"] != "vendor/bootstrap/css/bootstrap.min.css"
    assert "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2" in manifest

    served = production(["-c", SERVE_COLLECTED], tmp_path)
    assert served.returncode == 0, served.stderr
    for name, (url, status, cache_control) in json.loads(served.stdout.strip().splitlines()[-1]).items():
        assert url.startswith("/static/") and url != f"/static/{name}", name
        assert status == 200, name
        assert "immutable" in cache_control, name


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # .env holds the secrets; .venv and node_modules would replace what the image installs.
    assert {".env", ".venv", "node_modules", "*.sqlite3", "media", ".git"} <= ignored
