import pytest
from flask import abort

from tests.browser import page


def test_404_page_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = page(response)
    assert html.select_one("h1").text == "We could not find that page"
    assert html.select_one("nav a[href='/product/']")


def test_405_page(client):
    assert "That action is not allowed here" in client.get("/logout").text


@pytest.mark.parametrize("path", ["/product/abc", "/store/-1", "/product/1.5", "/store/99999999999999999999999999"])
def test_ids_that_are_not_numbers_are_404s(client, path):
    assert client.get(path).status_code == 404


def test_an_unexpected_error_shows_the_500_page_and_is_logged(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "kaboom" not in response.text
    assert "kaboom" in caplog.text


def test_other_http_errors_use_their_own_name(app):
    @app.get("/teapot")
    def teapot():
        abort(418)

    response = app.test_client().get("/teapot")
    assert response.status_code == 418
    assert "I&#39;m a teapot" in response.text
