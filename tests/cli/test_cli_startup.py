"""Start-up budget: what a command may import before it does its work.

The time is measured in `make bench` (docs/benchmarks.md); here the test pins the cause, the
modules a process loads, which a fresh interpreter reports without timing anything.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from whoknows.cli import launch
from whoknows.config import load_settings
from whoknows.services.store import Store

# Heavy libraries and whoknows layers that `--help` has no use for.
NOT_FOR_HELP = (
    "sqlalchemy",
    "numpy",
    "scipy",
    "alembic",
    "fastapi",
    "starlette",
    "jinja2",
    "icalendar",
    "phonenumbers",
    "email_validator",
    "rapidfuzz",
    "matplotlib",
    "whoknows.services",
    "whoknows.storage",
    "whoknows.importers",
    "whoknows.demo",
    "whoknows.web",
    "whoknows.api",
)
# What a command answered from the graph snapshot has no use for: the ORM and its schema
# (0.3 s of start-up), migrations, sparse matrices (docs/benchmarks.md).
NOT_FOR_SNAPSHOT_ANSWERS = ("sqlalchemy", "alembic", "whoknows.storage.schema", "scipy", "pydantic")
# The graph's libraries: a command that never reads the graph leaves them alone.
GRAPH_ONLY = ("numpy", "scipy", "whoknows.services.snapshot", "whoknows.core.graph")


def run(*args: str) -> tuple[int, str, set[str]]:
    """A fresh `whoknows ARGS…` process: its exit code, its output, and the modules it has
    loaded when it finishes."""
    script = (
        "import json, sys\n"
        "from whoknows.cli.main import main\n"
        f"code = main({list(args)!r})\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps([code, sorted(sys.modules)]) + '\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    marker = done.stderr.rsplit("MODULES ", 1)
    assert len(marker) == 2, done.stderr
    code, modules = json.loads(marker[1])
    return code, done.stdout, set(modules)


def loaded_by(*args: str) -> set[str]:
    """The modules a fresh `whoknows ARGS…` process has loaded when it finishes."""
    return run(*args)[2]


def offenders(modules: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == b or m.startswith(b + ".") for b in banned))


@pytest.mark.parametrize(
    "args",
    [("--help",), ("--version",), ("person", "--help"), ("path", "--help"), ("import", "--help")],
)
def test_help_loads_no_database_or_graph_library(args: tuple[str, ...]) -> None:
    assert offenders(loaded_by(*args), NOT_FOR_HELP) == []


def test_person_list_reads_plain_sql_without_the_orm_or_the_graph(tmp_path: Path) -> None:
    from whoknows.services import people
    from whoknows.services.people import PersonInput

    url = f"sqlite:///{tmp_path / 'w.db'}"
    with Store(load_settings(url)) as store:
        people.add_person(store, PersonInput(name="Ann Ames", tags=["client"], stage="met"))
    for filters in ((), ("--tag", "client", "--stage", "met")):
        code, out, modules = run("person", "list", "--json", *filters, "--db", url)
        assert code == 0
        assert [p["name"] for p in json.loads(out)] == ["Ann Ames"]  # it did read the people …
        assert offenders(modules, NOT_FOR_SNAPSHOT_ANSWERS) == []  # … without the ORM
        assert offenders(modules, GRAPH_ONLY) == []  # … and left the graph alone
        assert offenders(modules, ("rich.progress",)) == []  # the demo's progress bars


def test_a_command_on_sqlite_does_not_load_the_postgresql_dialect(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    Store(load_settings(url)).close()
    for command in (("person", "list"), ("person", "add", "Ann Ames")):
        modules = loaded_by(*command, "--db", url)
        assert offenders(modules, ("sqlalchemy.dialects.postgresql",)) == [], command


def test_ranking_advocates_for_the_plan_loads_no_scipy(tmp_path: Path) -> None:
    """Contact spheres are scored one profile against the texts without scipy's matrices
    (scipy.sparse alone costs a command a tenth of a second)."""
    from whoknows.core.icp import Profile
    from whoknows.services import icp, network, people
    from whoknows.services.people import PersonInput

    url = f"sqlite:///{tmp_path / 'w.db'}"
    with Store(load_settings(url)) as store:
        people.set_me(store, PersonInput(name="Sam Me"))
        people.add_person(
            store, PersonInput(name="Ann Ames", industry="Retail", serves="family retail firms")
        )
        network.know(store, "me", "#2", strength=0.8)
        icp.set_profile(store, Profile(industries=("Retail",)))
    for command in (("advocates",), ("due",)):
        modules = loaded_by(*command, "--db", url)
        assert "numpy" in modules, command  # it did rank …
        assert offenders(modules, ("scipy",)) == [], command  # … without scipy
    # The snapshot is current now: `due` reads what it plans from in plain SQL, as `path` does.
    code, _, modules = run("due", "--json", "--within", "400", "--db", url)
    assert code == 0
    assert offenders(modules, NOT_FOR_SNAPSHOT_ANSWERS) == []


def test_the_program_answers_help_without_loading_typer_or_the_commands() -> None:
    script = (
        "import json, sys\n"
        "from whoknows.cli.launch import main\n"
        "code = main(['--help'])\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    modules = set(json.loads(done.stderr.rsplit("MODULES ", 1)[1]))
    assert offenders(modules, ("typer", "rich", "click", "whoknows.cli.main")) == []
    assert done.stdout.splitlines()[1].strip() == "Usage: whoknows [OPTIONS] COMMAND [ARGS]..."
    assert "│ path " in done.stdout


@pytest.mark.parametrize(
    ("environ", "stored"),
    [
        ({"COLUMNS": "80"}, "plain.txt"),
        ({"COLUMNS": "120"}, "plain.txt"),
        ({"COLUMNS": "60"}, None),  # narrower than the stored text: Typer wraps it
        ({"COLUMNS": "80", "FORCE_COLOR": "1"}, None),
        ({"COLUMNS": "80", "TYPER_USE_RICH": "0"}, None),
    ],
)
def test_the_stored_help_is_printed_only_where_typer_would_print_the_same(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], stored: str | None
) -> None:
    for name in ("COLUMNS", "FORCE_COLOR", "TYPER_USE_RICH", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    expected = None if stored is None else (launch.HELP / stored).read_text(encoding="utf-8")
    assert launch.stored_help(io.StringIO()) == expected


def test_a_terminal_gets_the_coloured_help_unless_colour_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert launch.stored_help(Terminal()) == (launch.HELP / "color.txt").read_text("utf-8")
    monkeypatch.setenv("NO_COLOR", "1")
    assert launch.stored_help(Terminal()) == (launch.HELP / "plain.txt").read_text("utf-8")


def test_a_command_with_plain_options_loads_no_pydantic(tmp_path: Path) -> None:
    """Typer converts values through pydantic; text and whole numbers do not need it."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    Store(load_settings(url)).close()
    modules = loaded_by("person", "list", "--limit", "5", "--offset", "0", "--db", url)
    assert offenders(modules, ("pydantic", "pydantic_core")) == []


def test_the_review_queue_loads_neither_the_graph_nor_the_import_machinery(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    Store(load_settings(url)).close()
    modules = loaded_by("dedupe", "--json", "--db", url)
    assert "whoknows.services.review" in modules  # it did read the queue …
    banned = (*GRAPH_ONLY, "whoknows.services.imports.run", "whoknows.importers.vcard")
    assert offenders(modules, banned) == []  # … without numpy and the importers


def test_paths_and_advocates_from_a_current_snapshot_load_no_sqlalchemy(tmp_path: Path) -> None:
    """`path` to a person (by id, email or name), an organization or the ideal clients, and
    `advocates`, read the snapshot's files and a few rows with plain SQL (storage/plain.py)."""
    from whoknows.core.icp import Profile
    from whoknows.services import icp, network, people
    from whoknows.services.people import PersonInput

    url = f"sqlite:///{tmp_path / 'w.db'}"
    with Store(load_settings(url)) as store:
        people.set_me(store, PersonInput(name="Sam Me"))
        people.add_person(store, PersonInput(name="Ann Ames", organization="Ferro Ltd"))
        people.add_person(
            store, PersonInput(name="Bob Berg", emails=["bob@berg.test"], industry="Retail")
        )
        network.know(store, "me", "Ann Ames", strength=0.8)
        network.know(store, "Ann Ames", "Bob Berg", strength=0.6)
        icp.set_profile(store, Profile(industries=("Retail",)))
    code, out, modules = run("path", "#3", "--db", url)  # the first builds the snapshot
    assert code == 0
    assert "sqlalchemy" in modules
    for target in ("#3", "bob@berg.test", "bob", "icp", "org:Ferro"):
        code, out, modules = run("path", target, "--json", "--db", url)
        assert code == 0, target
        found = json.loads(out)["paths"]
        assert [p["name"] for p in found[0]["people"]][-1] in {"Bob Berg", "Ann Ames"}, target
        assert offenders(modules, NOT_FOR_SNAPSHOT_ANSWERS) == [], target
    code, out, modules = run("advocates", "--json", "--db", url)
    assert code == 0
    assert [a["name"] for a in json.loads(out)] == ["Ann Ames"]
    assert offenders(modules, NOT_FOR_SNAPSHOT_ANSWERS) == []
    # A reference that names nobody is the same one-line error, still without SQLAlchemy.
    code, out, modules = run("path", "Zed Nobody", "--db", url)
    assert code == 2
    assert offenders(modules, NOT_FOR_SNAPSHOT_ANSWERS) == []
