import pytest

from yumroad import create_app
from yumroad.config import DEVELOPMENT_SECRET_KEY


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("YUMROAD_ENV", "SECRET_KEY", "DATABASE_URL", "UPLOAD_FOLDER", "MAX_PICTURE_SIZE", "FLASK_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_development_defaults(clean_environment):
    app = create_app()

    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/yumroad.db"
    assert app.config["UPLOAD_FOLDER"] == f"{app.instance_path}/uploads"
    assert app.config["MAX_PICTURE_SIZE"] == 5 * 1024 * 1024
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_settings_come_from_the_environment(clean_environment, tmp_path):
    clean_environment.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "other.db"))
    clean_environment.setenv("SECRET_KEY", "from-the-environment")
    clean_environment.setenv("UPLOAD_FOLDER", str(tmp_path / "files"))
    clean_environment.setenv("MAX_PICTURE_SIZE", "1000")
    clean_environment.setenv("FLASK_PRODUCTS_PER_PAGE", "30")

    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["UPLOAD_FOLDER"] == str(tmp_path / "files")
    assert app.config["MAX_PICTURE_SIZE"] == 1000
    assert app.config["PRODUCTS_PER_PAGE"] == 30


def test_a_mapping_overrides_the_environment(clean_environment):
    clean_environment.setenv("SECRET_KEY", "from-the-environment")
    assert create_app({"SECRET_KEY": "from-the-test"}).config["SECRET_KEY"] == "from-the-test"


def test_a_bad_number_is_a_clear_error(clean_environment):
    clean_environment.setenv("MAX_PICTURE_SIZE", "five megabytes")
    with pytest.raises(RuntimeError, match="MAX_PICTURE_SIZE must be a whole number"):
        create_app()


def test_production_refuses_to_start_without_a_secret_key(clean_environment):
    clean_environment.setenv("YUMROAD_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app()


def test_production_refuses_the_development_secret_key(clean_environment):
    clean_environment.setenv("YUMROAD_ENV", "production")
    clean_environment.setenv("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="development default"):
        create_app()


def test_production_starts_with_a_real_secret_key(clean_environment):
    clean_environment.setenv("YUMROAD_ENV", "production")
    clean_environment.setenv("SECRET_KEY", "a-real-random-secret")
    assert create_app().config["SECRET_KEY"] == "a-real-random-secret"
