"""Every error answers in the user's language and layout; never a traceback (issue 16)."""
import pytest
from werkzeug.exceptions import TooManyRequests

from .conftest import make_app

HX = {"HX-Request": "true"}


@pytest.fixture
def app(tmp_path):
    """As in production: an unhandled exception becomes a 500, it does not propagate."""
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    @app.post("/boom")
    def boom_post():
        raise RuntimeError("a bug in a form post")

    @app.get("/admin/boom")
    def admin_boom():
        raise RuntimeError("a bug")

    @app.get("/slow-down")
    def slow_down():
        raise TooManyRequests()

    return app


def kiosk_page(response):
    html = response.get_data(as_text=True)
    assert 'class="kiosk is-error' in html              # the kiosk layout: idle timer and all
    assert 'href="/reset"' in html and "首页" in html     # 首页 takes the terminal home
    assert "Traceback" not in html and "RuntimeError" not in html
    return html


def test_a_missing_page_is_the_kiosks_chinese_page_with_home(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in kiosk_page(response)


def test_a_server_error_is_a_calm_chinese_page_with_home(client):
    response = client.get("/boom")
    assert response.status_code == 500
    assert "出了点问题，请稍后再试或联系工会" in kiosk_page(response)


def test_a_plain_form_post_that_fails_lands_on_the_friendly_page(client):
    response = client.post("/boom", data={"x": "1"})
    assert response.status_code == 500
    kiosk_page(response)


def test_too_many_tries_and_too_large_are_friendly(client, app):
    response = client.get("/slow-down")
    assert response.status_code == 429 and "尝试次数太多" in kiosk_page(response)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/identify/code", data={"code": "x" * 5000})
    assert response.status_code == 413 and "太多" in kiosk_page(response)


def test_the_english_kiosk_answers_in_english(client):
    client.get("/lang/en")
    html = client.get("/no/such/page").get_data(as_text=True)
    assert "This page does not exist." in html and "Home" in html


def test_an_htmx_error_answers_with_a_notice_not_a_page(client):
    response = client.get("/boom", headers=HX)
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert html.strip().startswith('<p class="fault-notice"') and "<html" not in html


def test_admin_errors_use_the_admin_layout(admin):
    response = admin.get("/admin/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'class="admin"' in html and "页面不存在" in html and "返回管理首页" in html
    response = admin.get("/admin/boom")
    assert response.status_code == 500 and 'class="admin"' in response.get_data(as_text=True)


def test_central_answers_its_errors_in_the_admin_layout(tmp_path):
    app = make_app(tmp_path, KIOSK_ROLE="central")
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'class="admin"' in html and "页面不存在" in html


def test_the_layouts_load_the_fault_notice_script(client, admin):
    assert "js/faults.js" in client.get("/").get_data(as_text=True)
    html = admin.get("/admin/").get_data(as_text=True)
    assert "js/faults.js" in html and 'data-fault-save="暂时无法保存' in html
