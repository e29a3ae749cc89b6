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
from bs4 import BeautifulSoup  # noqa: E402

from bench.serving import BIN, gunicorn, write_results  # noqa: E402
from yumroad.demo import DEMO_PASSWORD  # noqa: E402

SCANNERS = ROOT / ".venv-scan" / "bin"
START, END = "<!-- scan: start -->", "<!-- scan: end -->"
CREATOR = "maya@example.com"
LEAVE_OUT = r"logout|delete|/media/"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def log_in(address: str) -> requests.Session:
    """Log the demo creator in through the form; return their browser."""
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
    return browser


SAMPLE_VALUES = {"email": "scan@example.com", "password": "scan-password-1", "confirm": "scan-password-1"}
PAGES = ["/", "/product/?q=guide&sort=newest", "/stores", "/login", "/register", "/download/fresh-links"]
OWNER_PAGES = ["/product/new", "/dashboard", "/library"]


def owner_pages(address: str, browser: requests.Session) -> list[str]:
    """The logged-in creator's own pages: their store, its edit, sales and discounts pages, a product's edit page."""
    home = BeautifulSoup(browser.get(f"{address}/login", timeout=10).text, "html.parser")
    store = home.select_one("a[href^='/store/']")["href"]
    store_page = BeautifulSoup(browser.get(f"{address}{store}", timeout=10).text, "html.parser")
    product = next(link["href"] for link in store_page.select("a[href]") if re.fullmatch(r"/product/\d+", link["href"]))
    return [*OWNER_PAGES, store, f"{store}/edit", f"{store}/sales", f"{store}/discounts", f"{product}/edit"]


def sqlmap_targets(address: str, browser: requests.Session, pages: list[str]) -> list[list[str]]:
    """sqlmap's arguments for every form on `pages` (POST forms re-read their CSRF token from the page)
    and every same-site link with a query string."""
    targets: dict[str, list[str]] = {}
    for path in pages:
        page = BeautifulSoup(browser.get(f"{address}{path}", timeout=10).text, "html.parser")
        for form in page.select("main form"):
            action = form.get("action") or path
            if re.search(LEAVE_OUT, action):
                continue
            fields = {
                field["name"]: field.get("value") or SAMPLE_VALUES.get(field["name"], "1")
                for field in form.select("input[name], textarea[name], select[name]")
                if field.get("type") not in ("file", "submit")
            }
            data = "&".join(f"{name}={value}" for name, value in fields.items() if name != "csrf_token")
            if form.get("method", "get").lower() == "post":
                arguments = [f"--url={address}{action}", f"--data=csrf_token=x&{data}", "--csrf-token=csrf_token"]
                targets[f"POST {action}"] = [*arguments, f"--csrf-url={address}{path}"]
            else:
                targets[f"GET {action}"] = [f"--url={address}{action}?{data}"]
        for link in page.select("a[href*='?']"):
            href = link["href"]
            if href.startswith("/") and not re.search(LEAVE_OUT, href):
                targets.setdefault(f"GET {href.split('?')[0]}", [f"--url={address}{href}"])
    return list(targets.values())


def sqlmap(address: str, output: Path, browser: requests.Session, pages: list[str]) -> list[str]:
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    tested, found = 0, []
    for target in sqlmap_targets(address, browser, pages):
        command = [SCANNERS / "sqlmap", *target, *([f"--cookie={cookie}"] if cookie else []), "--batch", "--level=1"]
        command += [f"--output-dir={output}", "--disable-coloring", "--flush-session"]
        run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
        with open(output / "sqlmap.log", "a") as log:
            log.write(run.stdout + run.stderr)
        tested += len(re.findall(r"testing for SQL injection on \w+ parameter", run.stdout))
        found += [f"{target[0]}: {line}" for line in run.stdout.splitlines() if "is vulnerable" in line]
    return [f"sqlmap: {tested} parameters tested, {len(found)} injectable", *found]


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
        "900",
        "--max-attack-time",  # per module: the crawl is small, but some modules try every payload on every form
        "120",
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
            creator = log_in(address)
            visitors = [("logged out", requests.Session(), PAGES)]
            visitors.append(("logged in", creator, PAGES + owner_pages(address, creator)))
            for who, browser, pages in visitors:
                output = folder / who.replace(" ", "-")
                output.mkdir()
                print(f"scanning {address}, {who} ...", flush=True)
                found = sqlmap(address, output, browser, pages)
                found += wapiti(address, output, browser.cookies.get("session"))
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
