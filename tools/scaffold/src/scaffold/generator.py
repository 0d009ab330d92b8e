"""Write `services/<name>/` from the template: the files every service has, wired to the chassis.

The template's files end in `.tmpl` (so the linters skip them) and say `{{name}}`, `{{Name}}`,
`{{NAME}}`, `{{label}}`, `{{api_port}}` and `{{worker_port}}`; `SERVICE` in a path is the name.
What the generator cannot do for you (front door, `make up`, compose, Prometheus, the workspace)
is listed in docs/adding-a-service.md.
"""

import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).with_name("template")
NAME = re.compile(r"^[a-z][a-z0-9]{1,30}$")


@dataclass(frozen=True)
class NewService:
    name: str
    label: str
    api_port: int
    worker_port: int

    def fill(self, text: str) -> str:
        values = {
            "name": self.name,
            "Name": self.name.capitalize(),
            "NAME": self.name.upper(),
            "label": self.label,
            "api_port": str(self.api_port),
            "worker_port": str(self.worker_port),
        }
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text


def generate(service: NewService, services_dir: Path) -> Path:
    """Write the service under `services_dir/<name>`; refuses to overwrite an existing one."""
    if not NAME.match(service.name):
        raise ValueError(f"{service.name!r}: a service name is lowercase letters and digits")
    root = services_dir / service.name
    if root.exists():
        raise FileExistsError(f"{root} exists already")
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = str(source.relative_to(TEMPLATE)).removesuffix(".tmpl")
        target = root / relative.replace("SERVICE", service.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(service.fill(source.read_text()))
    return root
