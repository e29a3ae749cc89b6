"""The WSGI entry point for gunicorn (and any other WSGI server): `gunicorn -c gunicorn.conf.py wsgi:app`."""

from yumroad import create_app

app = create_app()
