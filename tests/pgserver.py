"""Throwaway PostgreSQL cluster for tests: ``with running_postgres() as dsn: ...``.

(From the infra recipe in /work/notes/infra.md; ``running_cluster`` adds stop/start.)

Works as root (initdb/postgres refuse to run as root: the server processes are
started as the ``postgres`` unix user via subprocess's ``user=``/``group=``,
i.e. a plain setuid in the child, no runuser/sudo/su needed) and as a normal
user (runs as that user).

The cluster lives in a fresh temp dir, listens only on 127.0.0.1 on a free
port plus a unix socket in the temp dir, uses trust auth, and is stopped and
deleted on exit. Binaries: $PG_BINDIR, else the newest
/usr/lib/postgresql/*/bin (Debian), else pg_ctl on PATH.

No third-party imports: the caller connects with whatever driver it likes.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Cluster", "PostgresNotFound", "find_bindir", "running_cluster", "running_postgres"]


class PostgresNotFound(RuntimeError):
    pass


def _version_key(path: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,)
    m = re.search(r"/postgresql/([\d.]+)/bin$", path)
    return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)


def find_bindir() -> Path:
    env = os.environ.get("PG_BINDIR")
    if env:
        if not (Path(env) / "pg_ctl").is_file():
            raise PostgresNotFound(f"PG_BINDIR={env} has no pg_ctl")
        return Path(env)
    dirs = [d for d in glob.glob("/usr/lib/postgresql/*/bin") if os.path.isfile(os.path.join(d, "pg_ctl"))]
    if dirs:
        return Path(max(dirs, key=_version_key))
    pg_ctl = shutil.which("pg_ctl")  # NB: on Debian /usr/bin has no pg_ctl (only pg_ctlcluster)
    if pg_ctl:
        return Path(pg_ctl).resolve().parent
    raise PostgresNotFound("no PostgreSQL server binaries: apt-get install -y postgresql (or set PG_BINDIR)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """The unix user to run the server as: None means 'as ourselves' (not root)."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("PG_RUN_AS", "postgres")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        # Fresh machine with binaries but no 'postgres' user (the Debian package
        # creates it, so this is only a fallback).
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            timeout=60,
        )
        return pwd.getpwnam(name)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"  # CI may carry a LANG whose locale isn't generated
    env.pop("LANG", None)
    env.pop("LANGUAGE", None)
    return env


@dataclass
class Cluster:
    """A running throwaway cluster: ``dsn`` to connect, ``stop()``/``start()`` to take it away and
    bring it back on the same port (what a database outage looks like to a client)."""

    dsn: str
    port: int
    _ctl: Callable[..., None]
    # by its own unix socket: while it is stopped, another test's cluster may take its TCP port,
    # and a client reconnecting by port would reach that other database
    socket_dsn: str = ""

    def stop(self) -> None:
        # fast, not immediate: the cluster runs with fsync and synchronous_commit off, so an
        # immediate stop could drop commits the client was told about (the world, seeded at start)
        self._ctl("-m", "fast", "-w", "-t", "30", "stop")

    def start(self) -> None:
        self._ctl("-w", "-t", "30", "start")


@contextlib.contextmanager
def running_postgres(dbname: str = "test", **kwargs: Any) -> Iterator[str]:
    """Start a throwaway cluster; yield a DSN like postgresql://postgres@127.0.0.1:PORT/test."""
    with running_cluster(dbname, **kwargs) as cluster:
        yield cluster.dsn


@contextlib.contextmanager
def running_cluster(
    dbname: str = "test",
    *,
    base_dir: str | None = None,
    start_timeout: float = 30.0,
    log_statements: bool = False,
) -> Iterator[Cluster]:
    """Start a throwaway cluster and yield it; it is stopped and deleted on exit."""
    bindir = find_bindir()
    user = _server_user()
    env = _env()
    uid = gid = None
    groups: list[int] | None = None
    if user is not None:  # setuid/setgid/setgroups([]) in the child, before exec
        uid, gid, groups = user.pw_uid, user.pw_gid, []
        env["HOME"] = "/tmp"
        env["USER"] = env["LOGNAME"] = user.pw_name

    if user is not None and base_dir is None and not _traversable(Path(tempfile.gettempdir()), user):
        base_dir = "/tmp"  # e.g. TMPDIR under /root (0700): the server user can't reach it
    root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=base_dir))
    try:
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)  # mkdtemp made it 0700 root
            if not _traversable(root.parent, user):
                raise RuntimeError(f"{root.parent} is not traversable by user {user.pw_name}")
        data, sock, log = root / "data", root / "sock", root / "server.log"

        def run(*args: str | Path, timeout: float = 120.0) -> None:
            p = subprocess.run(
                [str(a) for a in args],
                check=False,
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                user=uid,
                group=gid,
                extra_groups=groups,
            )
            if p.returncode != 0:
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"{args[0]} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}\n{tail}")

        run(
            bindir / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        sock.mkdir(mode=0o700)
        if user is not None:
            os.chown(sock, user.pw_uid, user.pw_gid)

        last_err: Exception | None = None
        for _attempt in range(5):  # the free port can be taken between probe and bind
            port = _free_port()
            conf = {
                "listen_addresses": "'127.0.0.1'",
                "port": str(port),
                "unix_socket_directories": f"'{sock}'",
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "max_connections": "50",
                "shared_buffers": "64MB",
                "log_min_messages": "warning",
                "log_statement": "'all'" if log_statements else "'none'",
            }
            with open(data / "postgresql.auto.conf", "a") as f:  # later lines win
                f.writelines(f"{k} = {v}\n" for k, v in conf.items())
            try:
                run(
                    bindir / "pg_ctl",
                    "-D",
                    data,
                    "-l",
                    log,
                    "-w",
                    "-t",
                    str(int(start_timeout)),
                    "start",
                    timeout=start_timeout + 10,
                )
                break
            except RuntimeError as e:
                last_err = e
                if "could not bind" not in str(e) and "in use" not in str(e):
                    raise
        else:
            raise RuntimeError(f"postgres did not start: {last_err}")

        try:
            run(bindir / "createdb", "-h", sock, "-p", str(port), "-U", "postgres", dbname)

            def ctl(*args: str) -> None:
                run(bindir / "pg_ctl", "-D", data, "-l", log, *args, timeout=start_timeout + 10)

            yield Cluster(
                f"postgresql://postgres@127.0.0.1:{port}/{dbname}",
                port,
                ctl,
                f"postgresql://postgres@/{dbname}?host={sock}&port={port}",
            )
        finally:
            # immediate: the cluster is thrown away, no need for a checkpoint
            with contextlib.suppress(Exception):
                run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop", timeout=40)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _traversable(path: Path, user: pwd.struct_passwd) -> bool:
    """Can `user` (not root) reach into `path`? Checks the other-x bit (or ownership) up the tree."""
    for p in (path, *path.parents):
        st = p.stat()
        if st.st_uid == user.pw_uid:
            continue
        if not st.st_mode & 0o001:
            return False
    return True


if __name__ == "__main__":  # python3 pgserver.py: self-test
    t0 = time.perf_counter()
    with running_postgres() as dsn:
        t1 = time.perf_counter()
        print("dsn", dsn, f"started in {t1 - t0:.2f}s")
        import psycopg

        with psycopg.connect(dsn) as conn:
            print(conn.execute("select version(), current_user, inet_server_addr()").fetchone())
            conn.execute("create table t (id serial primary key, v text)")
            conn.execute("insert into t (v) values ('a'), ('b')")
            print(conn.execute("select count(*) from t").fetchone())
        t2 = time.perf_counter()
    print(f"stopped+removed in {time.perf_counter() - t2:.2f}s")
