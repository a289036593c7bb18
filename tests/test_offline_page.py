"""The pieces of "the server can vanish" that need no browser (issue 14, finding 4)."""
import os


def test_the_service_worker_covers_every_page_and_is_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "kiosk-offline-v1" not in response.get_data(as_text=True)   # named for its content


def test_a_changed_waiting_page_is_a_new_service_worker(client, app, tmp_path):
    before = client.get("/sw.js").get_data(as_text=True)
    static = tmp_path / "static"
    for name in ("offline.html", "css/offline.css", "js/offline.js", "js/sw.js"):
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        with open(os.path.join(app.static_folder, name), encoding="utf-8") as fh:
            text = fh.read()
        (static / name).write_text(text + ("<!-- changed -->" if name == "offline.html" else ""))
    app.static_folder = str(static)
    assert client.get("/sw.js").get_data(as_text=True) != before


def test_the_server_answers_alive_without_a_body_or_a_cache(client):
    response = client.get("/alive")
    assert response.status_code == 204 and response.headers["Cache-Control"] == "no-store"


def test_the_waiting_page_speaks_chinese_without_the_server(app):
    with open(os.path.join(app.static_folder, "offline.html"), encoding="utf-8") as fh:
        page = fh.read()
    assert "驿站正在启动，请稍候" in page and 'lang="zh-Hans"' in page
    assert "<script>" not in page and "style=" not in page and "<style" not in page
