"""The chair sets up the union cadres' WeCom group and presses 发送测试消息: the answer
appears in place (htmx), and the robot on loopback got the test message."""
import re

import pytest
from playwright.sync_api import expect

from kiosk.db import db

from ..alerts.conftest import Robot
from ..alerts.helpers import WECOM_KEY
from ..conftest import make_app
from ..factories import make_admin
from .conftest import admin_log_in, screenshot

ADMIN_PASSWORD = "correct horse battery"


@pytest.fixture
def robot():
    robot = Robot()
    yield robot
    robot.close()


@pytest.fixture
def app(tmp_path, robot):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True,
                   ALERTS_WECOM_URL=f"{robot.base}/cgi-bin/webhook/send")
    yield app
    if not db.is_closed():
        db.close()


def test_the_chair_adds_a_wecom_group_and_tests_it(page, app, robot):
    make_admin(password=ADMIN_PASSWORD)
    admin_log_in(page)
    page.get_by_role("link", name="通知提醒").first.tap()
    page.get_by_role("link", name="添加：企业微信群机器人").tap()
    page.get_by_label("名称（自己看的，例如：工会干部群）").fill("工会干部群")
    page.get_by_label("Webhook 地址（在机器人设置中复制）").fill("ftp://example.org/x")
    page.get_by_role("button", name="保存通知渠道").tap()     # refused, what was typed stays
    expect(page.get_by_role("alert").filter(has_text="Webhook 地址应以")).to_have_count(1)
    expect(page.get_by_label("名称（自己看的，例如：工会干部群）")).to_have_value("工会干部群")
    screenshot(page, "alerts-channel-form-portrait")
    page.get_by_label("Webhook 地址（在机器人设置中复制）").fill(
        f"{robot.base}/cgi-bin/webhook/send?key={WECOM_KEY}")
    page.get_by_role("button", name="保存通知渠道").tap()
    page.wait_for_url(re.compile(r"/admin/alerts/"))
    expect(page.locator(".channel-target")).to_have_text("••••5aaa")
    page.get_by_role("button", name="发送测试消息").tap()
    expect(page.locator(".test-result")).to_contain_text("测试消息已发出")
    expect(page.locator(".test-result")).to_contain_text("errcode 0: ok")
    assert robot.texts == ["驿站通知测试：通知渠道“工会干部群”已设置好"]
    screenshot(page, "alerts-channels-portrait")
