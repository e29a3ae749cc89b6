"""gunicorn's settings for Yumroad, read from the environment: `gunicorn -c gunicorn.conf.py wsgi:app`.

The defaults suit a small machine behind a reverse proxy on the same host. The README's table lists
each variable; `make prod` and the Procfile use this file.
"""

import os


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) < 1:
        raise RuntimeError(f"{name} must be a whole number above 0, not {value!r}")
    return int(value)


# Where to listen: this machine only, unless GUNICORN_BIND (or --bind) says otherwise.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{_whole_number('PORT', 5000)}"
# Processes, each with two threads: pages spend most of their time in Python, and with more threads per
# process they wait on each other for the interpreter. Measured with `make bench` on 2 cores: 5 workers
# of 4 threads and 3 workers of 2 served the same requests/s, but p99 was 100-190 ms against 24-40 ms.
workers = _whole_number("WEB_CONCURRENCY", min((os.cpu_count() or 1) + 1, 8))
threads = _whole_number("GUNICORN_THREADS", 2)
worker_class = "gthread"
timeout = _whole_number("GUNICORN_TIMEOUT", 30)  # a request running longer is killed and logged
graceful_timeout = 30  # on a restart, requests in flight get this long to finish
keepalive = 5
# A worker is replaced after this many requests, so a slow leak never grows for long.
# (At 1,000 requests, five busy workers restarted every few seconds and the restarts showed in p99.)
max_requests = 20000
max_requests_jitter = 2000
# The app writes one structured line per request itself (yumroad/observability.py): no access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "yumroad"
# No control socket: its default path is shared by every gunicorn of the user, and nothing here uses it.
control_socket_disable = True
