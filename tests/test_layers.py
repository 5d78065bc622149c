"""The package's layers: entry points, services, then the client and the models.

Each module may import only modules of its own layer or a lower one, and no two modules
import each other, directly or through others. The emulator in ``django_upwork.testing``
is separate: it imports nothing of the package but its version, and nothing imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "django_upwork"

# Lower numbers are lower layers. The client and the models share a level but may not
# import each other, so they get layers of their own at the same height.
LAYERS = {
    "base": 0,  # conf, exceptions and the package root
    "client": 1,
    "models": 1,
    "services": 2,
    "entry": 3,  # views, admin, commands, tasks, checks, template tags, urls, apps
}
BASE_MODULES = {"django_upwork", "django_upwork.conf", "django_upwork.exceptions"}
MODEL_MODULES = {"django_upwork.models", "django_upwork.fields"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str:
    if module in BASE_MODULES:
        return "base"
    if module in MODEL_MODULES:
        return "models"
    if module.startswith("django_upwork.client"):
        return "client"
    if module.startswith("django_upwork.services"):
        return "services"
    return "entry"


def package_modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        name = module_name(path)
        if ".migrations" not in name:
            modules[name] = path
    return modules


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Return the package modules that ``path`` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from package import module" counts as importing the module, and "from module
            # import name" as importing the module. Parent packages are not counted, since
            # Python imports them for any module below them.
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


MODULES = package_modules()
IMPORTS = {name: imported_modules(path, set(MODULES)) for name, path in MODULES.items()}
CORE = [name for name in MODULES if not name.startswith("django_upwork.testing")]


def test_every_layer_has_modules():
    # The layer map must keep up with the tree: an empty layer means a moved package.
    assert {layer_of(name) for name in CORE} == set(LAYERS)


@pytest.mark.parametrize("module", CORE)
def test_no_import_from_a_higher_layer(module):
    layer = layer_of(module)
    higher = {
        imported
        for imported in IMPORTS[module]
        if not imported.startswith("django_upwork.testing")
        and LAYERS[layer_of(imported)] > LAYERS[layer]
    }

    assert higher == set(), f"{module} ({layer}) imports a higher layer"


def test_client_and_models_stay_apart():
    crossings = {
        (module, imported)
        for module in CORE
        for imported in IMPORTS[module]
        if {layer_of(module), layer_of(imported)} == {"client", "models"}
    }

    assert crossings == set()


def test_emulator_is_separate():
    emulator_imports = {
        imported
        for module, imports in IMPORTS.items()
        if module.startswith("django_upwork.testing")
        for imported in imports
        if not imported.startswith("django_upwork.testing")
    }
    users = {
        module
        for module in CORE
        if any(imported.startswith("django_upwork.testing") for imported in IMPORTS[module])
    }

    assert emulator_imports <= {"django_upwork"}
    assert users == set()


def test_no_import_cycles():
    # A depth-first search that reports the first cycle it meets as a path of modules.
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for imported in sorted(IMPORTS[module]):
            if state.get(imported) == "open":
                return [*path, module, imported]
            if imported not in state:
                cycle = visit(imported, [*path, module])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(MODULES):
        if module not in state:
            assert visit(module, []) is None
