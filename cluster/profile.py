"""The cluster profile: several Rasa instances and one action server sharing a PostgreSQL tracker
store and a Redis lock store, behind nginx's round-robin, all from Debian's packages, on loopback.

`python -m cluster.profile` (`make run-cluster`) runs it in the foreground; tests start it with
`Cluster(workdir, ...).start()`. nginx limits each client address (requests per second with a burst,
open connections); the Rasa instances trust its X-Forwarded-For and keep their own rate limits in
Redis, shared by all of them. Every process it starts stops when it dies, however it dies. PostgreSQL's
data, Redis's files, nginx's config and every log live in the work directory (build/cluster by default);
passwords are made on first start and kept there in secrets.env (mode 600). In production, point
TRACKER_DB_URL and REDIS_URL at managed services and run `python -m launcher.serve --actions-url ...`
on each machine instead.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from advisor.paths import BUILD_DIR, PROJECT_DIR
from launcher.processes import dying_with_this_process, free_port, stop_group
from launcher.serve import launch_command

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
DB_USER, DB_NAME = "advisor", "trackers"
REQUIRED = ("redis-server", "nginx")


class ClusterError(RuntimeError):
    """A piece of the cluster could not be set up; the message says how to fix it."""


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise ClusterError(
            "PostgreSQL is not installed: `make cluster-deps` (as root) installs "
            "postgresql, redis-server and nginx from Debian's packages."
        )
    return found[-1]


def missing_programs() -> list[str]:
    missing = [name for name in REQUIRED if not shutil.which(name) and not Path(f"/usr/sbin/{name}").exists()]
    return missing + ([] if glob.glob("/usr/lib/postgresql/*/bin/postgres") else ["postgresql"])


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClusterError(f"{what} exited (code {process.returncode}); see its log in the work directory.")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise ClusterError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s.")


def wait_for_line(log: Path, text: str, process: subprocess.Popen, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClusterError(f"{what} exited (code {process.returncode}):\n{log.read_text()[-2000:]}")
        if text in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise ClusterError(f"{what} was not ready within {timeout:.0f} s:\n{log.read_text()[-2000:]}")


def load_secrets(path: Path) -> dict[str, str]:
    """The cluster's passwords and tokens, made once and kept in the work directory."""
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(
            "".join(
                f"{name}={secrets.token_hex(16)}\n"
                for name in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "ACTION_SERVER_TOKEN", "RASA_API_TOKEN")
            )
        )
    return dict(line.split("=", 1) for line in path.read_text().split())


@dataclass
class Cluster:
    """One cluster on loopback; ports are free ones unless given."""

    workdir: Path
    rasa_instances: int = 2
    nginx_port: int = field(default_factory=free_port)
    postgres_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    rasa_ports: list[int] = field(default_factory=list)
    requests_per_second: int = 20  # nginx, per client address, after a burst of `burst` requests
    burst: int = 40
    connections_per_address: int = 20
    extra_env: dict[str, str] = field(default_factory=dict)  # for every server it starts (tests: rate limits)
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data directory
        self.rasa_ports = self.rasa_ports or [free_port() for _ in range(self.rasa_instances)]
        self.secrets = load_secrets(self.workdir / "secrets.env")

    @property
    def tracker_db_url(self) -> str:
        return f"postgresql://{DB_USER}:{self.secrets['POSTGRES_PASSWORD']}@127.0.0.1:{self.postgres_port}/{DB_NAME}"

    @property
    def redis_url(self) -> str:
        return f"redis://:{self.secrets['REDIS_PASSWORD']}@127.0.0.1:{self.redis_port}/1"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def instance_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    def environment(self) -> dict[str, str]:
        return dict(
            os.environ,
            TRACKER_DB_URL=self.tracker_db_url,
            REDIS_URL=self.redis_url,
            ACTION_SERVER_TOKEN=self.secrets["ACTION_SERVER_TOKEN"],
            RASA_API_TOKEN=self.secrets["RASA_API_TOKEN"],
            TRUSTED_PROXIES="127.0.0.1",
            **self.extra_env,
        )

    def spawn(
        self, name: str, command: list[str], env: dict | None = None, user: str | None = None
    ) -> subprocess.Popen:
        if user and os.geteuid() == 0:
            command = ["runuser", "-u", user, "--"] + command
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env or self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=dying_with_this_process(),
        )
        self.processes.append((name, process))
        return process

    def start_postgres(self) -> None:
        data = self.workdir / "postgres"
        owner = "postgres" if os.geteuid() == 0 else None
        if not (data / "PG_VERSION").exists():
            data.mkdir(exist_ok=True)
            password_file = self.workdir / "postgres.pw"
            password_file.write_text(self.secrets["POSTGRES_PASSWORD"] + "\n")
            if owner:
                shutil.chown(data, owner)
                shutil.chown(password_file, owner)
            init = subprocess.run(
                (["runuser", "-u", owner, "--"] if owner else [])
                + [
                    postgres_bin("initdb"),
                    "-D",
                    str(data),
                    "-U",
                    DB_USER,
                    f"--pwfile={password_file}",
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-instructions",
                ],
                capture_output=True,
                text=True,
            )
            password_file.unlink()
            if init.returncode:
                raise ClusterError(f"initdb failed:\n{init.stdout}{init.stderr}")
        process = self.spawn(
            "postgres",
            [
                postgres_bin("postgres"),
                "-D",
                str(data),
                "-p",
                str(self.postgres_port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={data}",
            ],
            user=owner,
        )
        wait_for_port(self.postgres_port, process, "PostgreSQL")
        self.create_database()

    def create_database(self) -> None:
        import psycopg2

        deadline = time.monotonic() + 60
        while True:
            try:
                connection = psycopg2.connect(
                    host="127.0.0.1",
                    port=self.postgres_port,
                    user=DB_USER,
                    password=self.secrets["POSTGRES_PASSWORD"],
                    dbname="postgres",
                )
                break
            except psycopg2.OperationalError:  # still starting up
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {DB_NAME}")
        connection.close()

    def start_redis(self) -> None:
        (self.workdir / "redis").mkdir(exist_ok=True)
        process = self.spawn(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--requirepass",
                self.secrets["REDIS_PASSWORD"],
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir / "redis"),
            ],
        )
        wait_for_port(self.redis_port, process, "Redis")

    def start_actions(self) -> None:
        process = self.spawn(
            "actions", [sys.executable, "-m", "rasa_runtime.action_server", "--port", str(self.actions_port)]
        )
        wait_for_port(self.actions_port, process, "The action server")

    def start_rasa(self) -> None:
        """Every Rasa instance at once (they load the model in parallel), then waits for each."""
        actions_url = f"http://127.0.0.1:{self.actions_port}/webhook"
        started = [
            (
                port,
                self.spawn(
                    f"rasa-{port}",
                    launch_command(port, "--actions-url", actions_url, "--logs", str(self.workdir / "logs")),
                ),
            )
            for port in self.rasa_ports
        ]
        for port, process in started:
            wait_for_line(self.workdir / f"rasa-{port}.log", "Assistant ready", process, f"Rasa on port {port}")

    def start_nginx(self) -> None:
        run = self.workdir / "nginx"
        run.mkdir(exist_ok=True)
        upstream = "\n".join(f"        server 127.0.0.1:{port};" for port in self.rasa_ports)
        config = run / "nginx.conf"
        values = {
            "run": run,
            "upstream": upstream,
            "port": self.nginx_port,
            "rate": self.requests_per_second,
            "burst": self.burst,
            "connections": self.connections_per_address,
        }
        text = TEMPLATE.read_text()
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        config.write_text(text)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = self.spawn("nginx", [nginx, "-e", str(run / "error.log"), "-c", str(config), "-p", str(run)])
        wait_for_port(self.nginx_port, process, "nginx")

    def start(self) -> Cluster:
        missing = missing_programs()
        if missing:
            raise ClusterError(
                f"missing {', '.join(missing)}: `make cluster-deps` (as root) installs them from Debian's packages."
            )
        try:
            self.start_postgres()
            self.start_redis()
            self.start_actions()
            self.start_rasa()
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stops everything it started, newest first (nginx, Rasa, actions, Redis, PostgreSQL)."""
        for _, process in reversed(self.processes):
            stop_group(process, timeout=30)
        self.processes.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the cluster profile in the foreground; Ctrl-C stops it.")
    parser.add_argument("--workdir", type=Path, default=BUILD_DIR / "cluster")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8080)), help="nginx's port on 127.0.0.1"
    )
    parser.add_argument("--instances", type=int, default=2)
    args = parser.parse_args(argv)
    cluster = Cluster(args.workdir, rasa_instances=args.instances, nginx_port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start()
        print(
            f"Cluster ready: POST {cluster.url}/webhooks/rest/webhook (nginx round-robin over Rasa on ports "
            f"{', '.join(map(str, cluster.rasa_ports))}; PostgreSQL on {cluster.postgres_port}, Redis on "
            f"{cluster.redis_port}, actions on {cluster.actions_port}; logs and secrets in {cluster.workdir})",
            flush=True,
        )
        while all(process.poll() is None for _, process in cluster.processes):
            time.sleep(1)
        stopped = next(name for name, process in cluster.processes if process.poll() is not None)
        print(f"{stopped} stopped; shutting the cluster down (see {cluster.workdir}/{stopped}.log).", file=sys.stderr)
        return 1
    except ClusterError as err:
        print(f"Cannot start the cluster: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
