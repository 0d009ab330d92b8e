"""`python -m scaffold NAME --label LABEL --api-port N --worker-port N`: a new service under
services/ (see scaffold.generator and docs/adding-a-service.md)."""

import argparse
from pathlib import Path

from scaffold.generator import NewService, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="the service's name: package, schema, env prefix, topics")
    parser.add_argument("--label", required=True, help="its entry in the site's navigation")
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--worker-port", type=int, required=True)
    parser.add_argument("--services-dir", type=Path, default=Path("services"))
    arguments = parser.parse_args()
    service = NewService(arguments.name, arguments.label, arguments.api_port, arguments.worker_port)
    root = generate(service, arguments.services_dir)
    print(f"wrote {root}; next: docs/adding-a-service.md")


if __name__ == "__main__":
    main()
