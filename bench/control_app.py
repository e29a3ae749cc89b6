"""The control page: the least a Flask + SQLAlchemy + Jinja page can do, to measure Yumroad's pages against.

It reads 50 products through the ORM and renders them with a Jinja template, on the same database,
under the same gunicorn settings as the app. `gunicorn 'bench.control_app:create_control_app()'`.
"""

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Control</title></head>
<body><h1>Products</h1><ul>
{% for product in products %}<li>{{ product.name }}: {{ product.price_cents }}</li>
{% endfor %}</ul></body></html>"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Product(db.Model):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    price_cents: Mapped[int]


def create_control_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db.init_app(app)

    @app.get("/control")
    def control() -> str:
        products = db.session.scalars(db.select(Product).order_by(Product.id).limit(50)).all()
        return render_template_string(PAGE, products=products)

    return app
