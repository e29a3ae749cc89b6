import pytest

from yumroad import create_app
from yumroad.config import DEVELOPMENT_SECRET_KEY, STRIPE_KEYS


@pytest.fixture
def clean_environment(monkeypatch):
    names = ("YUMROAD_ENV", "SECRET_KEY", "DATABASE_URL", "UPLOAD_FOLDER", "MAX_PICTURE_SIZE", "FLASK_SECRET_KEY")
    others = ("MAX_CONTENT_LENGTH", "MAX_PRODUCT_FILE_SIZE", "PAYMENT_PROVIDER", "PUBLIC_URL", "MAIL_SERVER", "PORT")
    jobs = ("REDIS_URL", "JOB_QUEUE", "JOB_RETRIES", "JOB_RETRY_INTERVALS", "WEBHOOK_JOB_RETRY_INTERVALS")
    for name in (*names, *others, *jobs, *STRIPE_KEYS):
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


def test_production_starts_with_a_real_secret_key_and_stripe(clean_environment):
    clean_environment.setenv("YUMROAD_ENV", "production")
    clean_environment.setenv("SECRET_KEY", "a-real-random-secret")
    clean_environment.setenv("PAYMENT_PROVIDER", "stripe")
    for key in STRIPE_KEYS:
        clean_environment.setenv(key, f"{key.lower()}-value")
    clean_environment.setenv("PUBLIC_URL", "https://yumroad.example")
    clean_environment.setenv("MAIL_SERVER", "smtp.yumroad.example")
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-real-random-secret"
    assert app.config["STRIPE_WEBHOOK_SECRET"] == "stripe_webhook_secret-value"


def test_production_refuses_test_payments(clean_environment):
    clean_environment.setenv("YUMROAD_ENV", "production")
    clean_environment.setenv("SECRET_KEY", "a-real-random-secret")
    with pytest.raises(RuntimeError, match="PAYMENT_PROVIDER=test would give products away"):
        create_app()


def test_stripe_needs_its_keys(clean_environment):
    clean_environment.setenv("PAYMENT_PROVIDER", "stripe")
    clean_environment.setenv("STRIPE_SECRET_KEY", "sk_test_x")
    with pytest.raises(RuntimeError, match="needs STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET"):
        create_app()


def test_an_unknown_payment_provider_is_refused(clean_environment):
    clean_environment.setenv("PAYMENT_PROVIDER", "paypal")
    with pytest.raises(RuntimeError, match="PAYMENT_PROVIDER must be 'test' or 'stripe'"):
        create_app()


def test_the_request_size_limit_fits_a_product_form(clean_environment):
    clean_environment.setenv("MAX_PRODUCT_FILE_SIZE", "1000")
    clean_environment.setenv("MAX_PICTURE_SIZE", "500")
    assert create_app().config["MAX_CONTENT_LENGTH"] == 1500 + 1024 * 1024
    clean_environment.setenv("MAX_CONTENT_LENGTH", "2000")
    assert create_app().config["MAX_CONTENT_LENGTH"] == 2000


@pytest.mark.parametrize(
    ("missing", "message"), [("PUBLIC_URL", "PUBLIC_URL must be set"), ("MAIL_SERVER", "MAIL_SERVER must be set")]
)
def test_production_needs_a_public_url_and_a_mail_server(clean_environment, missing, message):
    settings = {
        "YUMROAD_ENV": "production",
        "SECRET_KEY": "a-real-random-secret",
        "PAYMENT_PROVIDER": "stripe",
        "PUBLIC_URL": "https://yumroad.example",
        "MAIL_SERVER": "smtp.yumroad.example",
        **{key: "value" for key in STRIPE_KEYS},
    }
    for name, value in settings.items():
        if name != missing:
            clean_environment.setenv(name, value)
    with pytest.raises(RuntimeError, match=message):
        create_app()


def test_the_public_url_defaults_to_the_local_server(clean_environment):
    clean_environment.setenv("PORT", "8123")
    assert create_app().config["PUBLIC_URL"] == "http://127.0.0.1:8123"


def test_job_settings_come_from_the_environment(clean_environment):
    clean_environment.setenv("JOB_QUEUE", "emails")
    clean_environment.setenv("JOB_RETRIES", "2")
    clean_environment.setenv("JOB_RETRY_INTERVALS", "5, 50")
    app = create_app()
    assert (app.config["JOB_QUEUE"], app.config["JOB_RETRIES"], app.config["JOB_RETRY_INTERVALS"]) == (
        "emails",
        2,
        [5, 50],
    )


def test_webhook_jobs_retry_for_about_three_days_unless_told_otherwise(clean_environment):
    intervals = create_app().config["WEBHOOK_JOB_RETRY_INTERVALS"]
    assert 2.5 * 24 * 3600 < sum(intervals) <= 3 * 24 * 3600
    assert intervals == sorted(intervals)  # backing off, to hours apart

    clean_environment.setenv("WEBHOOK_JOB_RETRY_INTERVALS", "10, 600")
    assert create_app().config["WEBHOOK_JOB_RETRY_INTERVALS"] == [10, 600]


@pytest.mark.parametrize("name", ["JOB_RETRY_INTERVALS", "WEBHOOK_JOB_RETRY_INTERVALS"])
@pytest.mark.parametrize("intervals", ["5 minutes", "5,-1"])
def test_bad_retry_intervals_are_a_clear_error(clean_environment, name, intervals):
    clean_environment.setenv(name, intervals)
    with pytest.raises(RuntimeError, match=rf"^{name} must be whole numbers \(0 or more\)"):
        create_app()


@pytest.mark.parametrize(
    "url",
    [
        "postgres://shop:secret@db.example.com:5432/yumroad",
        "postgresql://shop:secret@db.example.com:5432/yumroad",
        "postgresql+psycopg://shop:secret@db.example.com:5432/yumroad",
    ],
)
def test_a_postgresql_url_uses_psycopg_3_with_a_pool_fit_for_a_server(clean_environment, url):
    clean_environment.setenv("DATABASE_URL", url)

    config = create_app().config

    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop:secret@db.example.com:5432/yumroad"
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert options["pool_recycle"] == 1800
    assert options["connect_args"]["connect_timeout"] == 10


def test_sqlite_keeps_its_own_engine_options(clean_environment, tmp_path):
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
