"""`make scan`: sqlmap and wapiti against the app on 127.0.0.1, logged out and logged in.

Serves a fresh demo marketplace (migrations + `flask seed-demo`) with gunicorn on 127.0.0.1, logs a demo
creator in through the login form for the logged-in scans, then runs:

- sqlmap, crawling from `/` (depth 3), testing every form (with the CSRF token re-read each time) and
  every query parameter it finds;
- wapiti, every module but brute force and the slow timing-based ones, with its DNS and HTTP endpoints
  pointed at 127.0.0.1 so that it never reaches out.

Logout and delete buttons are left out of the crawls, so the logged-in scan stays logged in and keeps
its products. Every finding, and every 5xx answer the server logged, is printed and written to
bench/RESULTS.md. The scanners run from their own virtualenv (.venv-scan, made by `make scan`).
Never point this at any address but 127.0.0.1.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.serving import BIN, gunicorn, write_results  # noqa: E402
from yumroad.demo import DEMO_PASSWORD  # noqa: E402

SCANNERS = ROOT / ".venv-scan" / "bin"
START, END = "<!-- scan: start -->", "<!-- scan: end -->"
CREATOR = "maya@example.com"
LEAVE_OUT = r"logout|delete|/media/"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def log_in(address: str) -> str:
    """Log the demo creator in through the form; return the session cookie's value."""
    browser = requests.Session()
    form = browser.get(f"{address}/login", timeout=10)
    token = CSRF.search(form.text).group(1)
    answer = browser.post(
        f"{address}/login",
        data={"csrf_token": token, "email": CREATOR, "password": DEMO_PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    return browser.cookies["session"]


def sqlmap(address: str, output: Path, cookie: str | None) -> list[str]:
    command = [
        SCANNERS / "sqlmap",
        f"--url={address}/",
        "--crawl=3",
        f"--crawl-exclude={LEAVE_OUT}",
        "--forms",
        "--csrf-token=csrf_token",
        "--batch",
        "--level=2",
        "--risk=1",
        "--threads=4",
        f"--output-dir={output}",
        f"--results-file={output / 'results.csv'}",
        "--disable-coloring",
    ] + ([f"--cookie=session={cookie}"] if cookie else [])
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    (output / "sqlmap.log").write_text(run.stdout + run.stderr)
    found = [line for line in run.stdout.splitlines() if "identified the following injection point" in line]
    tested = len(re.findall(r"^\[\d\d:\d\d:\d\d\] \[INFO\] testing URL", run.stdout, re.MULTILINE))
    forms = len(re.findall(r"^\[#\d+\] form:", run.stdout, re.MULTILINE))
    return [f"sqlmap: {tested} URLs tested, {forms} forms found, {len(found)} injection points", *found]


def wapiti(address: str, output: Path, cookie: str | None) -> list[str]:
    report = output / "wapiti.json"
    command = [
        SCANNERS / "wapiti",
        "--url",
        f"{address}/",
        "--scope",
        "folder",
        "--dns-endpoint",
        "localhost",
        "--endpoint",
        f"{address}/",
        "--module",
        "all,-brute_login_form,-buster,-nikto,-timesql,-wapp,-network_device",
        "--exclude",
        f"{address}/logout",
        "--max-scan-time",
        "600",
        "--flush-session",
        "--format",
        "json",
        "--output",
        report,
        "--no-bugreport",
    ] + (["--cookie-value", f"session={cookie}"] if cookie else [])
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    (output / "wapiti.log").write_text(run.stdout + run.stderr)
    if not report.exists():
        return [f"wapiti: no report (exit {run.returncode}); see {output / 'wapiti.log'}"]
    results = json.loads(report.read_text())
    lines = []
    for section in ("vulnerabilities", "anomalies"):
        for name, findings in results.get(section, {}).items():
            lines += [
                f"wapiti, {section}: {name}: {found['method']} {found['path']} {found['info']}" for found in findings
            ]
    crawled = results.get("infos", {}).get("crawled_pages_nbr", "?")
    return [f"wapiti: {crawled} pages crawled, {len(lines)} findings", *lines]


def server_errors(log: Path) -> list[str]:
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if re.search(r'"status": 5\d\d|Traceback', line)]


def main() -> None:
    if not (SCANNERS / "sqlmap").exists():
        sys.exit("the scanners are missing: run `make scan`, which installs them into .venv-scan")
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        environment = {
            "DATABASE_URL": f"sqlite:///{folder / 'scan.db'}",
            "SECRET_KEY": secrets.token_hex(16),
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
            "RATELIMIT_ENABLED": "false",  # the scanners would be throttled long before they are done
            "LOG_FORMAT": "json",
        }
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([BIN / "flask", *command], cwd=ROOT, env=os.environ | environment, check=True)
        log = folder / "server.log"
        with gunicorn("yumroad:create_app()", environment, log) as address:
            for who, cookie in (("logged out", None), ("logged in", log_in(address))):
                output = folder / who.replace(" ", "-")
                output.mkdir()
                print(f"scanning {address}, {who} ...", flush=True)
                for scanner in (sqlmap, wapiti):
                    found = scanner(address, output, cookie)
                    lines += [f"- {who}, {line}" for line in found]
                    print("\n".join(found), flush=True)
        errors = server_errors(log)
        lines.append(f"- 5xx answers or tracebacks in the server's log: {len(errors)}")
        lines += [f"  - `{line[:200]}`" for line in errors[:10]]
    text = "## Security scans (sqlmap and wapiti on 127.0.0.1)\n\n" + "\n".join(lines)
    print(text)
    write_results(text, START, END)


if __name__ == "__main__":
    main()
