"""Shared fixtures: real SQLite files and a real, throwaway PostgreSQL server.

The PostgreSQL cluster is created with initdb in a temporary folder, listens
on 127.0.0.1 only, and is stopped when the test session ends. Without the
server binaries PostgreSQL tests skip, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from qualcode.store import Store, open_store
from tests.pgserver import PostgresServer, find_pg_bin

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "codebooks" / "kommunale-resilienz.yaml"

# The interface speaks English in tests unless a test asks for German (QUALCODE_LANG or
# set_interface_language), whatever the locale of the machine running them.
os.environ["QUALCODE_LANG"] = "en"

# Property-based tests: a few examples in the suite, many with `make fuzz`.
_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
          HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("fuzz", max_examples=3000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_pg_bin()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must install them (see .ci/run)")
        pytest.skip(message)
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = "qc_" + uuid.uuid4().hex[:12]
    postgres_server.admin(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'qualcode.db'}"


# The two kinds of store; `@pytest.mark.parametrize("store_kind", BOTH_STORES[:1],
# indirect=True)` keeps one test (or one case) on SQLite alone.
BOTH_STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH_STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL (the store fixtures below share it)."""
    return request.param


@pytest.fixture
def store_url(store_kind: str, request: pytest.FixtureRequest) -> str:
    """Run the test once on an SQLite file and once on a PostgreSQL database."""
    if store_kind == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def new_db(store_kind: str, tmp_path: Path,
           request: pytest.FixtureRequest) -> Iterator[Callable[[str], str]]:
    """Further stores of the test's kind: ``new_db("kopie.db")`` is that SQLite file in
    tmp_path, or a new, empty PostgreSQL database (dropped afterwards); pass it as ``--db``."""
    server = None if store_kind == "sqlite" else request.getfixturevalue("postgres_server")
    made: list[str] = []

    def make(name: str) -> str:
        if server is None:
            return str(tmp_path / name)
        made.append("qc_" + uuid.uuid4().hex[:12])
        server.admin(f"CREATE DATABASE {made[-1]}")
        return server.url(made[-1])

    yield make
    for database in made:
        server.admin(f"DROP DATABASE {database} WITH (FORCE)")  # type: ignore[union-attr]


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project (study codebook, demo .docx transcripts) built once per session."""
    from qualcode.codebook.parse import read_codebook
    from qualcode.codebook.sync import load_codebook
    from tests.helpers import import_demo

    path = tmp_path_factory.mktemp("template") / "demo.db"
    store = open_store(str(path))
    load_codebook(store, read_codebook(CODEBOOK))
    import_demo(store, "docx")
    store.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    """A copy of the demo project of one's own."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return str(target)


@pytest.fixture
def demo_url(store_kind: str, request: pytest.FixtureRequest) -> str:
    """The demo project on an SQLite file (a copy) or on a PostgreSQL database."""
    if store_kind == "sqlite":
        return request.getfixturevalue("demo_db")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("pg_demo_template")
    name = "qc_" + uuid.uuid4().hex[:12]
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    request.addfinalizer(lambda: server.admin(f"DROP DATABASE {name} WITH (FORCE)"))
    return server.url(name)


@pytest.fixture(scope="session")
def pg_demo_template(postgres_server: PostgresServer) -> str:
    """The demo project built once per session in a database that demo_url copies."""
    from qualcode.codebook.parse import read_codebook
    from qualcode.codebook.sync import load_codebook
    from tests.helpers import import_demo

    name = "qc_demo_template"
    postgres_server.admin(f"CREATE DATABASE {name}")
    store = open_store(postgres_server.url(name))
    load_codebook(store, read_codebook(CODEBOOK))
    import_demo(store, "docx")
    store.close()  # a template must have no connections while it is copied
    return name


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    opened = open_store(sqlite_url)
    yield opened
    opened.close()
