"""The packages depend on each other only as docs/architecture.md draws it, and never in a cycle.

Every import counts, a function's deferred one too: it is as much a dependency as one at the
top. A new arrow between packages fails here until it is added to LAYERS (and the drawing).
"""

from __future__ import annotations

import ast
import graphlib
from collections import Counter, defaultdict
from pathlib import Path

import whoknows

SRC = Path(whoknows.__file__).parent

# What each package (or top-level module) may import besides itself.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "files": {"errors"},
    "config": {"errors"},
    "core": set(),  # pure: tests/core/test_purity.py says what else it may use
    "storage": {"core", "errors", "files"},
    "importers": {"core", "errors"},
    "services": {"config", "core", "errors", "files", "importers", "storage"},
    "demo": {"config", "core", "errors", "files", "services", "storage"},
    "http": {"services"},
    "teamserver": {"config", "core", "demo", "errors", "files", "services"},
    "api": {"errors", "http", "services"},
    "web": {
        "api",
        "config",
        "core",
        "errors",
        "files",
        "http",
        "importers",
        "services",
        "storage",
    },
    "cli": {
        "config",
        "core",
        "demo",
        "errors",
        "files",
        "importers",
        "services",
        "storage",
        "teamserver",
        "web",
    },
    "__main__": {"cli"},
}
# Arrows only a few named modules may draw: the composition roots, which put the app
# together, and the one place each adapter turns database errors into messages.
ONLY_FROM: dict[tuple[str, str], set[str]] = {
    ("cli", "web"): {"cli/web.py"},  # `whoknows serve` starts the web app
    ("cli", "teamserver"): {"cli/team_server.py"},  # `whoknows team init|serve|invite`
    ("teamserver", "demo"): {"teamserver/demo_world.py"},  # the team demo's names and organizations
    ("teamserver", "services"): {"teamserver/chapter_charts.py"},  # the local app's chart code
    ("web", "api"): {"web/app.py"},  # create_app mounts the API's routers
    ("cli", "storage"): {"cli/main.py"},  # storage.errors.translate
    ("web", "storage"): {"web/app.py"},  # storage.errors.translate
    ("cli", "importers"): {"cli/review.py"},  # the review queue shows imported records
    ("web", "importers"): {"web/pages/imports.py"},  # the kinds of file an import reads
}


def _package(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imported(tree: ast.AST) -> set[str]:
    """The whoknows packages a module names in its imports."""
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] != "whoknows" or len(parts) < 2:
                continue
            if (SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").is_file():
                found.add(parts[1])
    return found


def _arrows() -> dict[tuple[str, str], set[str]]:
    """(from package, to package) → the modules that draw that arrow."""
    arrows: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(SRC.rglob("*.py")):
        source = _package(path)
        for target in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if target != source:
                arrows[source, target].add(path.relative_to(SRC).as_posix())
    return arrows


def _cycles(arrows: dict[tuple[str, str], set[str]]) -> list[list[str]]:
    """Each import cycle between packages, as the packages on it (none, in a layered tree)."""
    following: dict[str, set[str]] = defaultdict(set)
    for source, target in arrows:
        following[source].add(target)
    cycles = []
    for start in sorted(following):
        stack = [(start, [start])]
        while stack:
            here, trail = stack.pop()
            for nxt in sorted(following[here]):
                if nxt == start:
                    cycles.append(trail)
                elif nxt not in trail and nxt > start:  # each cycle once, from its least name
                    stack.append((nxt, [*trail, nxt]))
    return cycles


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _only_for_typing(tree: ast.AST) -> set[int]:
    """The nodes under `if TYPE_CHECKING:`: imports that never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for child in node.body for inner in ast.walk(child)}
    return skipped


def _module_graph() -> dict[str, set[str]]:
    """Module → the whoknows modules it imports when it runs (a package's submodule by name)."""
    paths = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _only_for_typing(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [sub if sub in paths else node.module for sub in subs]
            else:
                continue
            graph[name] |= {t for t in targets if t in paths and t != name}
    return graph


def _module_cycle(graph: dict[str, set[str]]) -> list[str]:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return []


def test_the_import_graph_is_read_from_the_source() -> None:
    arrows = _arrows()
    assert ("cli", "services") in arrows
    assert "demo/build.py" in arrows["demo", "services"]


def test_cycles_are_found_when_there_are_some() -> None:
    drawn = {("a", "b"): {"a.py"}, ("b", "c"): {"b.py"}, ("c", "a"): {"c.py"}, ("c", "d"): set()}
    assert _cycles(drawn) == [["a", "b", "c"]]


def test_no_package_imports_one_that_imports_it_back() -> None:
    assert _cycles(_arrows()) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _module_graph()
    assert "whoknows.services.imports.history" in graph["whoknows.services.imports.run"]
    assert _module_cycle({"a": {"b"}, "b": {"a"}, "c": set()}) in (["a", "b", "a"], ["b", "a", "b"])
    assert _module_cycle(graph) == []


def test_every_package_is_in_the_layering() -> None:
    packages = {_package(p) for p in SRC.rglob("*.py")} - {"__init__"}
    assert packages <= set(LAYERS)


def test_packages_import_only_what_their_layer_allows() -> None:
    wrong = []
    for (source, target), modules in sorted(_arrows().items()):
        if target not in LAYERS.get(source, set()):
            wrong.append(f"{source} → {target}: {sorted(modules)}")
        elif (source, target) in ONLY_FROM and not modules <= ONLY_FROM[source, target]:
            others = sorted(modules - ONLY_FROM[source, target])
            wrong.append(f"{source} → {target} only from {ONLY_FROM[source, target]}: {others}")
    assert wrong == []


def test_the_services_never_import_an_adapter_or_the_demo() -> None:
    # Said again on its own: the rule the layering exists for.
    assert not {"cli", "web", "api", "http", "demo"} & LAYERS["services"]


# Services keep rules and transactions; queries belong in storage/ (issue 16's repositories).
# Only the unit of work (services/store.py) knows SQLAlchemy.
def _imports_sqlalchemy(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        if any(name.split(".")[0] == "sqlalchemy" for name in names):
            return True
    return False


def test_no_new_service_writes_its_own_queries() -> None:
    services = SRC / "services"
    with_sql = {
        p.relative_to(services).as_posix() for p in services.rglob("*.py") if _imports_sqlalchemy(p)
    }
    assert with_sql - {"store.py"} == set(), "query it in storage/"


# No module over 400 lines (issue 16) besides data tables and migrations. These are still
# longer; the list only shrinks: take a module off it when it is split.
LINES = 400
DATA_TABLES = frozenset({"storage/schema.py", "teamserver/schema.py", "demo/vocab.py"})
LONG_FOR_NOW: frozenset[str] = frozenset()


def test_no_module_grows_past_400_lines() -> None:
    long = {
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and len(p.read_text(encoding="utf-8").splitlines()) > LINES
    }
    assert long - DATA_TABLES - LONG_FOR_NOW == set(), "split it: no module over 400 lines"
    assert LONG_FOR_NOW - long == set(), "short enough now: take it off the list"


def test_every_test_module_has_a_name_of_its_own() -> None:
    """pytest imports test modules by their file name (tests/ has no packages): two files of
    one name in two folders fail to collect when both run, as in `make test`."""
    names = Counter(path.name for path in Path(__file__).parent.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
