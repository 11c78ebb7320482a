"""The layers of ARCHITECTURE.md hold: in the imports, the model relations and the migrations.

The imports are checked by import-linter with the contracts in pyproject.toml; the same contracts
are run once more on a small made-up tree to show that they do catch a forbidden import.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
APPS = CONFIG["root_packages"]

# The one accepted exception (ARCHITECTURE.md, "The one exception"): an allocation names the
# company it is given to. A string reference ("tenants.Company"), so it is no import, but the
# campus tables and migrations depend on the tenants app's.
ACCEPTED_RELATIONS = {
    ("campus.Allocation.company", "tenants.Company"),
    ("campus.HistoricalAllocation.company", "tenants.Company"),  # its audit history
}
ACCEPTED_MIGRATION_DEPENDENCIES = {("campus", "tenants")}


def _layers() -> list[set[str]]:
    """The layers, top first, each a set of apps side by side."""
    return [set(re.split(r"\s*[:|]\s*", layer)) for layer in CONTRACTS["layers"]["layers"]]


def _rank(app: str) -> int:
    """0 for the lowest layer (common), higher for each layer above."""
    layers = _layers()
    return next(len(layers) - 1 - i for i, layer in enumerate(layers) if app in layer)


def _may_depend(importer: str, imported: str) -> bool:
    return importer == imported or _rank(importer) > _rank(imported)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert command, "import-linter is not installed (requirements-dev.txt)"
    return subprocess.run(  # noqa: S603 - our own venv's tool on our own files
        [command, "--no-cache", "--no-logo"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_no_import_goes_against_the_layers():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout


def _made_up_tree(tmp_path: Path, extra: tuple[str, str] | None = None) -> Path:
    """A package per app, each importing the one below it (inside a function, as lazy imports do),
    with the project's import-linter contracts; ``extra`` adds one import ``(importer, imported)``."""
    for app in APPS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "services.py").write_text("")
    below = {"portal": ["residents"], "residents": ["advisory", "partners"]}
    below |= {"advisory": ["tenants"], "partners": ["tenants"]}
    below |= {"tenants": ["campus"], "campus": ["common"]}
    imports = [(importer, imported) for importer, imported_apps in below.items() for imported in imported_apps]
    for importer, imported in [*imports, *([extra] if extra else [])]:
        with (tmp_path / importer / "services.py").open("a") as module:
            module.write(f"def use_{imported}():\n    from {imported} import services\n    return services\n\n")
    contracts = (ROOT / "pyproject.toml").read_text().split("[tool.importlinter]", 1)[1]
    (tmp_path / "pyproject.toml").write_text("[tool.importlinter]" + contracts)
    return tmp_path


def test_the_contracts_pass_a_tree_that_follows_the_layers(tmp_path):
    result = _lint_imports(_made_up_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("campus", "tenants", "layers"),  # a lower app reaching up
        ("partners", "portal", "layers"),  # what partners/api/auth.py once did
        ("partners", "advisory", "siblings"),
        ("common", "campus", "common"),
    ],
)
def test_the_contracts_catch_a_forbidden_import(tmp_path, importer, imported, contract):
    result = _lint_imports(_made_up_tree(tmp_path, extra=(importer, imported)))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{CONTRACTS[contract]['name']} BROKEN" in result.stdout
    assert f"{importer}.services -> {imported}.services" in result.stdout


def _relations_against_the_layers() -> set[tuple[str, str]]:
    found = set()
    for app in APPS:
        if not apps.is_installed(app):
            continue  # common has no models
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete and field.related_model):
                    continue
                target = field.related_model._meta
                if target.app_label in APPS and not _may_depend(app, target.app_label):
                    found.add((f"{app}.{model.__name__}.{field.name}", f"{target.app_label}.{target.object_name}"))
    return found


def test_models_refer_down_the_layers_but_for_the_one_exception():
    assert _relations_against_the_layers() == ACCEPTED_RELATIONS


def test_migrations_depend_down_the_layers_but_for_the_one_exception():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = {
        (app, dependency)
        for (app, _name), migration in loader.disk_migrations.items()
        if app in APPS
        for dependency, _ in migration.dependencies
        if dependency in APPS and not _may_depend(app, dependency)
    }
    assert found == ACCEPTED_MIGRATION_DEPENDENCIES


def test_architecture_md_names_every_app_in_the_order_of_the_contract():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    diagram = text.split("## Layers", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    rows = [set(re.findall(r"\b[a-z]+\b", line)) & set(APPS) for line in diagram.splitlines()]
    assert [row for row in rows if row] == _layers()
    for app in APPS:
        assert f"`{app}`" in text or f"`{app}/" in text, f"ARCHITECTURE.md does not describe {app}"
