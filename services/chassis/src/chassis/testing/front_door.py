"""The front door for tests: deploy/local/nginx rendered into a temporary prefix, as services.sh
renders it."""

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from chassis.testing.infrastructure import REPO_ROOT, unique
from chassis.testing.processes import LOG_DIR, free_port
from chassis.testing.waiting import eventually

NGINX_DIR = REPO_ROOT / "deploy" / "local" / "nginx"
UPSTREAM = re.compile(r"\$\{([A-Z][A-Z0-9_]*)_UPSTREAM\}")
DEFAULT_ISSUER = "http://127.0.0.1:18080/realms/rapport"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class FrontDoor:
    """nginx routing each service's prefix to `upstreams` (service name -> API port). A service
    of the template left out gets a port nothing listens on: its pages are not under test."""

    def __init__(self, upstreams: Mapping[str, int], *, port: int | None = None) -> None:
        """`port`: chosen beforehand when the services must know their public address (the
        sign-in's callback) before the front door exists."""
        self.home = LOG_DIR / unique("nginx")
        self.port = port or free_port()
        self.values = {
            "FRONT_DOOR_PORT": str(self.port),
            "NGINX_HOME": str(self.home),
            "NGINX_LOG_DIR": str(self.home),
            "OIDC_ORIGIN": _origin(os.environ.get("RAPPORT_OIDC_ISSUER", DEFAULT_ISSUER)),
        }
        self.values |= {
            f"{name.upper()}_UPSTREAM": f"127.0.0.1:{p}" for name, p in upstreams.items()
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def render(self, template: str, output: str) -> None:
        text = (NGINX_DIR / template).read_text()
        for service in UPSTREAM.findall(text):
            self.values.setdefault(f"{service}_UPSTREAM", f"127.0.0.1:{free_port()}")
        for name, value in self.values.items():
            text = text.replace("${" + name + "}", value)
        (self.home / output).write_text(text)

    def start(self) -> str:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.home.mkdir(parents=True)
        self.render("rapport.conf.template", "rapport.conf")
        self.render("nginx.conf.template", "nginx.conf")
        flags = ["-p", str(self.home), "-c", str(self.home / "nginx.conf")]
        flags += ["-e", str(self.home / "error.log")]
        self.process = subprocess.Popen([nginx, *flags])
        return self.url

    async def wait_ready(self) -> None:
        async def ready() -> bool:
            try:
                async with httpx.AsyncClient(timeout=1.0) as client:
                    return (await client.get(f"{self.url}/readyz")).status_code == 200
            except httpx.HTTPError:
                return False

        await eventually(ready)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
