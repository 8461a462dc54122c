"""Start nginx in front of `timkiem serve`, unprivileged: ``python -m webui.front``.

Fills in deploy/nginx.conf.template and runs Debian's nginx in the foreground
with every file it writes (configuration, pid, logs, temporary files) under one
folder, so no root and no system configuration are needed.  Ctrl-C or SIGTERM
stops it.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from webui import SECURITY_HEADERS

TEMPLATE = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf.template"
STATIC_DIR = Path(__file__).resolve().parent / "static"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
SEARCH_RATE = 10  # searches a second per client address; a person needs a few at most (paging, filters)
MISSING = f"nginx not found at {NGINX}: install Debian's nginx (apt-get install nginx) or set NGINX"


class NginxMissing(RuntimeError):
    pass


def write_config(run_dir: Path, listen: str, upstream: str, search_rate: int = SEARCH_RATE,
                 search_burst: int = 2 * SEARCH_RATE,
                 suggest_rate: int = 20, suggest_burst: int = 40, connections: int = 32, workers: int = 1) -> Path:
    """The configuration for nginx listening on ``listen`` ("8080", "0.0.0.0:8080") in front of
    ``upstream`` ("127.0.0.1:5000"), written with its folders under ``run_dir``; limits per client
    address: ``connections`` at once, ``search_rate`` searches a second (and a burst of
    ``search_burst``), suggestions likewise."""
    run_dir = run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    headers = "\n".join(f"            add_header {name} \"{value}\" always;" for name, value in SECURITY_HEADERS.items())
    values = {"RUN_DIR": str(run_dir), "LISTEN": listen, "UPSTREAM": upstream, "STATIC_DIR": str(STATIC_DIR),
              "SEARCH_RATE": search_rate, "SEARCH_BURST": search_burst, "SUGGEST_RATE": suggest_rate,
              "SUGGEST_BURST": suggest_burst, "CONNECTIONS": connections, "WORKERS": workers,
              "SECURITY_HEADERS": headers,
              # nginx started by root hands its workers to `nobody`, who may not read a private folder
              "USER": "user root;\n" if os.geteuid() == 0 else ""}
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", str(value))
    config = run_dir / "nginx.conf"
    config.write_text(text, encoding="utf-8")
    return config


def command(config: Path) -> list[str]:
    """The nginx command line for ``config``; raises NginxMissing when nginx is not installed."""
    if not shutil.which(NGINX):
        raise NginxMissing(MISSING)
    return [NGINX, "-p", str(config.parent), "-c", str(config), "-e", str(config.parent / "error.log")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webui.front", description=__doc__.split("\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:8080", help="address:port or port (default 127.0.0.1:8080)")
    parser.add_argument("--upstream", default="127.0.0.1:5000", help="where `timkiem serve` listens (default 127.0.0.1:5000)")
    parser.add_argument("--dir", type=Path, default=Path("front"),
                        help="folder for nginx's configuration, pid, logs and temporary files (default ./front)")
    parser.add_argument("--search-rate", type=int, default=SEARCH_RATE,
                        help=f"searches a second per client address, burst twice as many (default {SEARCH_RATE})")
    parser.add_argument("--connections", type=int, default=32, help="connections at once per client address (default 32)")
    parser.add_argument("--workers", type=int, default=1, help="nginx worker processes (default 1)")
    args = parser.parse_args(argv)
    config = write_config(args.dir, args.listen, args.upstream, search_rate=args.search_rate,
                          search_burst=2 * args.search_rate, connections=args.connections, workers=args.workers)
    try:
        nginx = command(config)
    except NginxMissing as exc:
        print(f"timkiem: error: {exc}", file=sys.stderr)
        return 1
    checked = subprocess.run(nginx + ["-t", "-q"], capture_output=True, text=True)
    if checked.returncode:
        print(f"timkiem: error: nginx refuses {config}: {checked.stderr.strip()}", file=sys.stderr)
        return 1
    print(f"nginx serving http://{args.listen}/ in front of http://{args.upstream}/ (files in {args.dir}); "
          f"Ctrl-C stops it", file=sys.stderr, flush=True)
    os.execv(nginx[0], nginx)


if __name__ == "__main__":
    sys.exit(main())
