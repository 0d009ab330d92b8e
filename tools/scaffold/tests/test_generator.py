"""A generated service imports, renders its page in the shared layout, and lints clean."""

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from chassis.testing import Infrastructure, ServiceUnderTest, scratch_database
from scaffold.generator import NewService, generate

REPO = Path(__file__).resolve().parents[3]
WIDGETS = NewService("widgets", "Widgets", api_port=8109, worker_port=8119)

IMPORTS_AND_RENDERS = """
from fastapi.testclient import TestClient

import widgets.entrypoints.migrate
import widgets.entrypoints.worker
from widgets.entrypoints.api import create

page = TestClient(create()).get("/widgets/")
assert page.status_code == 200, page.text
assert "<h1>Widgets</h1>" in page.text
assert 'href="/accounts/"' in page.text, "the site's navigation is in the layout"
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(WIDGETS, tmp_path_factory.mktemp("services"))


def test_the_service_has_the_files_of_every_service(generated: Path) -> None:
    for path in (
        "pyproject.toml",
        "Dockerfile",
        "alembic.ini",
        "migrations/env.py",
        "migrations/versions/00000000_0001_widgets_schema.py",
        "src/widgets/config.py",
        "src/widgets/bootstrap.py",
        "src/widgets/domain/__init__.py",
        "src/widgets/service_layer/unit_of_work.py",
        "src/widgets/adapters/tables.py",
        "src/widgets/messaging/__init__.py",
        "src/widgets/api/routes.py",
        "src/widgets/ui/navigation.py",
        "src/widgets/entrypoints/api.py",
        "src/widgets/entrypoints/worker.py",
        "src/widgets/entrypoints/migrate.py",
        "tests/widgets_fixtures.py",
        "tests/unit/test_navigation.py",
        "tests/integration/test_pages.py",
    ):
        assert (generated / path).is_file(), path
    assert "{{" not in (generated / "src/widgets/config.py").read_text()
    assert (
        'widgets = "widgets.ui.navigation:NAVIGATION"' in (generated / "pyproject.toml").read_text()
    )


def test_the_service_imports_and_renders_its_page(generated: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_AND_RENDERS],
        env={"PYTHONPATH": str(generated / "src"), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


async def test_the_service_migrates_and_its_processes_start(
    generated: Path, infrastructure: Infrastructure, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its migration creates the chassis tables the worker's relay reads; the API serves pages."""
    source = str(generated / "src")
    monkeypatch.setenv("PYTHONPATH", source)  # the migration runs in a subprocess of this env
    async with scratch_database(infrastructure, "rapport_scaffold") as database:
        # A new service has no Kafka principal until it is added to the stack's (decision 0019).
        widgets = await ServiceUnderTest.prepare(
            infrastructure,
            "widgets",
            consumes={},
            database=database,
            env={"PYTHONPATH": source},
            kafka=infrastructure.kafka,
        )
        async with widgets.running("api", "worker") as processes:
            async with httpx.AsyncClient(base_url=processes["api"].base_url) as client:
                page = await client.get("/widgets/")
            assert page.status_code == 200
            assert "<h1>Widgets</h1>" in page.text


@pytest.mark.parametrize("name", ["widgets", "engagement"])
def test_the_service_lints_and_is_formatted(name: str, tmp_path: Path) -> None:
    root = generate(NewService(name, name.capitalize(), 8109, 8119), tmp_path)
    config = [
        "--config",
        str(REPO / "pyproject.toml"),
        "--config",
        f'lint.isort.known-first-party = ["contracts", "chassis", "{name}"]',
    ]
    ruff = [sys.executable, "-m", "ruff"]
    checked = subprocess.run([*ruff, "check", *config, str(root)], capture_output=True)
    assert checked.returncode == 0, checked.stdout.decode()
    formatted = subprocess.run(
        [*ruff, "format", "--check", *config, str(root)], capture_output=True
    )
    assert formatted.returncode == 0, formatted.stdout.decode()


def test_an_existing_service_is_never_overwritten(generated: Path) -> None:
    with pytest.raises(FileExistsError):
        generate(WIDGETS, generated.parent)
