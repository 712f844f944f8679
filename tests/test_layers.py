"""The apps import downward only, so each layer can be read, tested and changed without those above:

    demo  →  reports, escalations, ssda903  →  reviews  →  children  →  accounts  →  core

(iro_service, the configuration, sits above them all and may import anything; nothing imports it.)
Apps in the same layer may import each other as long as no cycle forms. A lower app reaches a higher
app's rows only through the relations the higher app's models declare, or through the hooks it
offers (children/pages.py, children/signals.py)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [
    {"core"},
    {"accounts"},
    {"children"},
    {"reviews"},
    {"reports", "escalations", "ssda903", "security", "consultations"},
    {"demo"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}
CONFIGURATION = "iro_service"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The first-level names of every package imported anywhere in the file (relative imports stay
    inside the app, so they are left out)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def app_imports(root: Path = ROOT) -> set[tuple[str, str]]:
    """(importing module, imported app) for every import of one app by another, or of the configuration."""
    found = set()
    for app in [*RANK, CONFIGURATION]:
        for path in sorted((root / app).rglob("*.py")) if (root / app).is_dir() else []:
            module = module_name(path)
            for imported in imports_of(path):
                if imported != app and imported in (*RANK, CONFIGURATION):
                    found.add((module, imported))
    return found


def layer_violations(imports: set[tuple[str, str]]) -> list[str]:
    problems = []
    for module, imported in sorted(imports):
        app = module.split(".")[0]
        if app == CONFIGURATION:
            continue
        if imported == CONFIGURATION:
            problems.append(f"{module} imports {imported}: the configuration is above every app")
        elif RANK[imported] > RANK[app]:
            problems.append(f"{module} imports {imported}, a layer above {app}")
    # A cycle between apps of the same layer (or any other, should one slip past the ranks).
    graph: dict[str, set[str]] = {}
    for module, imported in imports:
        app = module.split(".")[0]
        if app != CONFIGURATION and imported != CONFIGURATION:
            graph.setdefault(app, set()).add(imported)
    for start in sorted(graph):
        path, seen = [start], set()
        stack = [(start, iter(sorted(graph.get(start, ()))))]
        while stack:
            node, children = stack[-1]
            following = next(children, None)
            if following is None:
                stack.pop()
                path.pop()
            elif following == start:
                problems.append("import cycle: " + " → ".join([*path, start]))
                break
            elif following not in seen:
                seen.add(following)
                path.append(following)
                stack.append((following, iter(sorted(graph.get(following, ())))))
    return problems


def test_apps_import_downward_only_and_without_cycles():
    assert layer_violations(app_imports()) == []


def test_the_settings_import_no_app_and_create_no_folders():
    settings = ROOT / CONFIGURATION / "settings.py"
    assert imports_of(settings) & set(RANK) == set()
    calls = [
        node.func.attr
        for node in ast.walk(ast.parse(settings.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]
    assert not {"mkdir", "makedirs", "touch", "write_text"} & set(calls)


@pytest.mark.parametrize(
    ("imports", "problem"),
    [
        ({("children.views", "reviews")}, "children.views imports reviews, a layer above children"),
        ({("core.dates", "accounts")}, "core.dates imports accounts, a layer above core"),
        ({("accounts.views", "iro_service")}, "accounts.views imports iro_service: the configuration is above"),
        ({("reports.kpis", "escalations"), ("escalations.views", "reports")}, "import cycle: escalations → reports"),
    ],
)
def test_an_upward_import_or_a_cycle_is_found(imports, problem):
    assert any(found.startswith(problem) for found in layer_violations(imports)), layer_violations(imports)


def test_a_downward_import_is_allowed():
    assert layer_violations({("reviews.services", "children"), ("reports.kpis", "escalations")}) == []
