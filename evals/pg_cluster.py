"""A throw-away PostgreSQL cluster in a temporary folder, for the tests (tests/pg) and the
shared-stores benchmark: the distribution's binaries (scripts/start-postgres.sh installs
them), `initdb` as an unprivileged user (`runuser -u postgres` when running as root: the
server refuses to run as root), `pg_ctl start` on a free loopback port, then `stop()` ends it
and deletes the folder. Nothing listens beyond 127.0.0.1, and the socket stays in the folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from evals.bench_http import free_port

SERVER_USER = "postgres"
# a throw-away cluster needs no durability: faster set-up and writes
FAST = "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"


class ClusterError(RuntimeError):
    """The cluster could not start: the message says which step and why."""


def binary(name: str) -> Path | None:
    """A PostgreSQL program from PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return Path(found)
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0,
    )
    return Path(versions[-1]) if versions else None


@dataclass
class Cluster:
    folder: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "coach") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh database (cheap: a copy of template1), its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = binary("pg_ctl")
        if pg_ctl is not None and self.data.is_dir():
            subprocess.run(
                [*self.as_user, str(pg_ctl), "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(argv: list[str], step: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ClusterError(f"{step} failed: {' | '.join(tail)}")


def start(attempts: int = 3, folder: Path | None = None) -> Cluster:
    """A running cluster with a database `coach` (in a new temporary folder, or `folder`);
    raises ClusterError naming what failed."""
    initdb, pg_ctl = binary("initdb"), binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise ClusterError("no initdb/pg_ctl: run scripts/start-postgres.sh to install PostgreSQL")
    as_user: list[str] = []
    root = os.geteuid() == 0
    if folder is None:  # as root, in /tmp: the server's user must reach it (not so $TMPDIR)
        where = "/tmp" if root and os.path.isdir("/tmp") else None
        folder = Path(tempfile.mkdtemp(prefix="coach-pg-", dir=where))
    else:
        folder.mkdir(parents=True, exist_ok=False)
    if root:
        if shutil.which("runuser") is None:
            raise ClusterError("running as root without runuser: cannot start PostgreSQL")
        as_user = ["runuser", "-u", SERVER_USER, "--"]
        try:
            shutil.chown(folder, SERVER_USER, SERVER_USER)
        except (LookupError, PermissionError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise ClusterError(f"no '{SERVER_USER}' user to run the server as ({exc})") from exc
    cluster = Cluster(folder, 0, as_user)
    try:
        _run(
            [*as_user, str(initdb), "-D", str(cluster.data), "-U", SERVER_USER, "-A", "trust"]
            + ["-E", "UTF8", "--locale=C", "--no-sync"],
            "initdb",
        )
        for attempt in range(attempts):  # a port taken between choosing it and binding it
            cluster.port = free_port()
            options = f"-p {cluster.port} -k {cluster.data} -c listen_addresses=127.0.0.1 {FAST}"
            log = cluster.folder / "server.log" if not as_user else cluster.data / "server.log"
            try:
                _run(
                    [*as_user, str(pg_ctl), "-D", str(cluster.data), "-l", str(log)]
                    + ["-w", "-t", "60", "-o", options, "start"],
                    "pg_ctl start",
                )
                break
            except ClusterError:
                if attempt == attempts - 1:
                    raise
        cluster.create_database("coach")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.pg_cluster DIR`: a cluster kept running in DIR (scripts/start-postgres.sh
    DIR), for trying several workers on one database by hand."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", type=Path, help="a new folder for the cluster")
    args = parser.parse_args(argv)
    try:
        cluster = start(folder=args.folder.resolve())
    except (ClusterError, FileExistsError) as exc:
        print(f"start-postgres: {exc}")
        return 2
    print(f"export COACH_DATABASE_URL={cluster.url()}")
    runner = " ".join(cluster.as_user)
    print(f"# stop it with: {runner} {binary('pg_ctl')} -D {cluster.data} stop".replace("  ", " "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
