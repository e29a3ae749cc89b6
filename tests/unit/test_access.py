import pytest

from yumroad.access import is_safe_redirect_target


@pytest.mark.parametrize("target", ["/", "/product/3", "/store/1/edit?x=1", "/product/?page=2#top"])
def test_same_site_paths_are_safe(target):
    assert is_safe_redirect_target(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "http://evil.example/",
        "https://evil.example/product/1",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "product/1",
        "ftp://x",
        "/x\ny",
        "/product/\r\nSet-Cookie: x=1",
        "/\t/evil.example",
        "/x\x00",
        "/x\x7f",
    ],
)
def test_other_sites_and_tricks_are_not(target):
    assert not is_safe_redirect_target(target)
