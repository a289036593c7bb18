"""Limits and known 500s from issue 12 (findings 6 and 8): each a story that failed before.

- a topic of "²", "①" or 5,000 digits (str.isdigit is not int), ?page=10**23 and a
  URL integer of 10**23 are refused, not a 500;
- a public kiosk form refuses a body over 64 KiB with 413; admin uploads keep theirs;
- a flood of one error cannot rotate the log's earlier history away.
"""
import logging
import sys

import pytest

from kiosk.logs import file_handler

from .factories import make_member


@pytest.mark.parametrize("topic", ["²", "①", "٣", "9" * 5000, "-1", " 1", "1 "])
def test_a_topic_that_is_not_a_plain_index_is_refused_not_a_500(client, topic):
    response = client.post("/service/new/hardship", data={"topic": topic})
    assert response.status_code == 422


def test_a_huge_page_number_is_not_a_500(admin):
    assert admin.get(f"/admin/roster/members?page={10 ** 23}").status_code == 200


def test_a_huge_integer_in_a_url_is_a_404(admin):
    assert admin.get(f"/admin/benefits/poster-{10 ** 23}.png").status_code == 404


def test_a_public_form_refuses_a_body_over_64_kib(client):
    make_member(staff_no="1001")
    big = {"code": "1001", "padding": "x" * (65 * 1024)}
    assert client.post("/identify/code", data=big).status_code == 413
    assert client.post("/service/new/hardship", data={"topic": "字" * 30_000}).status_code == 413
    assert client.post("/identify/code", data={"code": "1001"}).status_code == 303


def test_admin_uploads_keep_their_larger_limit(admin):
    body = "工号,姓名\n" + "1001,王芳\n" * 20_000   # ~200 KB of CSV
    response = admin.post("/admin/roster/import", data={"csv_file": (body.encode(), "r.csv")},
                          content_type="multipart/form-data")
    assert response.status_code != 413


def test_a_flood_of_one_error_cannot_rotate_the_history_away(tmp_path):
    path = tmp_path / "kiosk.log"
    handler = file_handler(str(path), max_bytes=20_000, backups=2)
    logger = logging.getLogger("kiosk.flood-test")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("the chair changed the roster at 08:00")
        for n in range(2000):   # unauthenticated 500s on ever-different paths
            try:
                raise ValueError("boom")
            except ValueError:
                logger.error("Exception on /x/%d [GET]", n, exc_info=sys.exc_info())
    finally:
        logger.removeHandler(handler)
        handler.close()
    kept = "".join(p.read_text() for p in tmp_path.iterdir())
    assert "the chair changed the roster at 08:00" in kept
    assert kept.count("Traceback") <= 10
