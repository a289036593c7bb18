"""A worker at the touchscreen files a request (帮你办), keeps the receipt, follows it up
and rates it; the chair handles it in the admin pages."""
import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from kiosk.service.models import RequestEvent, ServiceRequest

from ..conftest import ADMIN_PASSWORD
from ..factories import make_admin, make_member, make_pin, make_request, make_team
from .conftest import LANDSCAPE, admin_log_in, new_page
from .conftest import screenshot as take_screenshot


def screenshot(page, name):
    """A screenshot to look at; Chromium on a busy machine sometimes refuses one: try again."""
    try:
        take_screenshot(page, name)
    except PlaywrightError:
        page.wait_for_timeout(500)
        take_screenshot(page, name)


def type_keys(page, letters):
    for ch in letters:
        page.locator(f".kb-key[data-kb-key='{ch}']:visible").tap()


def pick_word(page, word):
    page.locator("[data-kb-candidate]", has_text=re.compile(f"^{word}$")).first.tap()


def type_pin(page, pin):
    for digit in pin:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()


def start_filing(page, category_name="生活有困难", topic="家庭困难"):
    page.goto("/")
    page.locator(".tile", has_text="帮你办").tap()
    page.locator(".service-category", has_text=category_name).tap()
    page.get_by_role("button", name=topic, exact=True).tap()
    expect(page.locator("#description")).to_be_visible()


def read_receipt_code(page):
    return page.locator("#receipt-code").get_attribute("data-code")


def note_receipt(page):
    page.get_by_role("button", name="我已记下回执码").tap()
    # A careless tap does not lose the code: it asks first, with the code still shown.
    expect(page.get_by_text("您拍下或抄下回执码了吗？")).to_be_visible()
    expect(page.locator("#receipt-code")).to_be_visible()
    page.get_by_role("button", name="是的，已经记下").tap()
    expect(page).to_have_url(re.compile(r"/$"))


def test_worker_files_anonymously_typing_chinese_by_pinyin(page):
    start_filing(page)
    screenshot(page, "service-describe-portrait")
    # Whole words from full pinyin, then from initials.
    type_keys(page, "shenghuo")
    expect(page.locator("[data-kb-pinyin]")).to_have_text("shenghuo")
    expect(page.locator("[data-kb-candidate]").first).to_have_text("生活")
    screenshot(page, "service-keyboard-candidates-portrait")
    pick_word(page, "生活")
    type_keys(page, "kunnan")
    pick_word(page, "困难")
    type_keys(page, "jbf")
    pick_word(page, "加班费")
    expect(page.locator("#description")).to_have_value("生活困难加班费")
    expect(page.locator("[data-kb-count]")).to_have_text("7")
    page.locator("[data-kb-action='back']:visible").tap()
    expect(page.locator("#description")).to_have_value("生活困难加班")
    page.get_by_role("button", name="下一步").tap()

    expect(page.locator("h1")).to_have_text("工会怎么联系您？")
    page.get_by_role("button", name=re.compile("匿名提交")).tap()
    expect(page.locator(".service-summary")).to_contain_text("生活困难加班")
    expect(page.locator(".service-summary")).to_contain_text("匿名")
    screenshot(page, "service-review-portrait")
    page.get_by_role("button", name="提交给工会").tap()

    expect(page.locator("h1")).to_have_text("已提交，这是您的回执")
    code = read_receipt_code(page)
    assert re.fullmatch(r"\d{13}", code)
    expect(page.locator("#receipt-code")).to_have_text(f"{code[:4]} {code[4:8]} {code[8:]}")
    # No Home button to lose the receipt by mistake; the idle return is long and announced.
    expect(page.locator(".topbar .btn-back")).to_have_count(0)
    assert page.evaluate("document.body.dataset.idleSeconds") == "300"
    screenshot(page, "service-receipt-portrait")
    filed = ServiceRequest.get(ServiceRequest.receipt_code == code)
    assert filed.member_id is None and filed.phone is None
    assert filed.description == "生活困难加班"
    note_receipt(page)

    # Follow up: the code on the keypad.
    page.locator(".tile", has_text="查进度").tap()
    for digit in code:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="查询").tap()
    expect(page.locator(".service-badge")).to_have_text("待受理")
    expect(page.locator(".service-status-text")).to_have_text("生活困难加班")


def test_named_request_with_phone_is_found_again_by_proving_who_one_is(page):
    member = make_member(name="王芳", staff_no="2046", team=make_team(name="装配二班"))
    make_pin(member, "3691")
    start_filing(page, "待遇有诉求", "加班费")
    page.get_by_role("button", name="下一步").tap()
    for digit in "13800138000":
        page.locator(f".keypad [data-key='{digit}']").tap()
    screenshot(page, "service-contact-portrait")
    page.get_by_role("button", name=re.compile("实名提交")).tap()
    # The foundation's identification, then back to the review.
    expect(page.locator("h1")).to_have_text("请问您是哪位？")
    page.get_by_role("link", name=re.compile("输入工号")).tap()
    for digit in "2046":
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()
    # A staff number only claims: filing under the name asks for the PIN as well.
    expect(page.locator("h1")).to_have_text("王芳，请确认是您本人")
    type_pin(page, "3691")
    expect(page.locator(".service-summary")).to_contain_text("王芳")
    expect(page.locator(".service-summary")).to_contain_text("13800138000")
    page.get_by_role("button", name="提交给工会").tap()
    code = read_receipt_code(page)
    filed = ServiceRequest.get(ServiceRequest.receipt_code == code)
    assert filed.member_id == member.id and filed.phone == "13800138000"
    expect(page.get_by_text("以后也可以在“查进度”里确认身份后查看。")).to_be_visible()
    note_receipt(page)

    page.goto("/service/track")
    page.get_by_role("link", name="我的诉求").tap()
    page.get_by_role("link", name=re.compile("输入工号")).tap()
    for digit in "2046":
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()
    type_pin(page, "3691")
    expect(page.locator("h1")).to_have_text("王芳 的诉求")
    page.locator(".service-list-item", has_text="加班费").tap()
    expect(page.locator(".service-status-head h1")).to_contain_text("待遇有诉求 · 加班费")


def test_initials_english_and_digits_on_the_keyboard(page):
    start_filing(page)
    type_keys(page, "shi")
    page.locator("[data-kb-action='more']").tap()
    expect(page.locator(".kb-candidates.is-expanded")).to_be_visible()
    assert page.locator("[data-kb-candidate]").count() > 12
    page.locator("[data-kb-action='space']").tap()     # space takes the first word
    expect(page.locator("#description")).to_have_value("是")
    expect(page.locator(".kb-candidates.is-expanded")).to_have_count(0)
    type_keys(page, "shkn")
    expect(page.locator("[data-kb-candidate]", has_text="生活困难")).to_be_visible()
    pick_word(page, "生活困难")
    page.locator("[data-kb-action='mode']").tap()
    page.locator("[data-kb-action='shift']").tap()
    type_keys(page, "ok")
    page.locator("[data-kb-action='layer']").tap()
    type_keys(page, "12，")
    expect(page.locator("#description")).to_have_value("是生活困难Ok12，")
    # Letters still being composed are kept when the form is sent.
    page.locator("[data-kb-action='layer']").tap()
    page.locator("[data-kb-action='mode']").tap()
    type_keys(page, "xie")
    page.get_by_role("button", name="下一步").tap()
    expect(page.locator("h1")).to_have_text("工会怎么联系您？")
    page.get_by_role("link", name=re.compile("返回")).tap()
    expect(page.locator("#description")).to_have_value("是生活困难Ok12，xie")


def test_worker_rates_a_resolved_request_and_unsatisfied_reopens_it(page):
    filed = make_request("hardship", "大病医疗",
                         events=[("received", ""), ("public_reply", "已联系您的班组长。"),
                                 ("resolved", "补助已发放。")])
    page.goto("/service/track")
    for digit in filed.receipt_code:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="查询").tap()
    expect(page.locator(".service-badge")).to_have_text("已办结")
    expect(page.locator(".service-timeline")).to_contain_text("已联系您的班组长。")
    expect(page.locator(".service-timeline")).to_contain_text("补助已发放。")
    screenshot(page, "service-status-portrait")
    page.get_by_role("button", name=re.compile("不满意")).tap()
    page.get_by_role("button", name="问题没有解决").tap()      # why: one optional tap (issue 14)
    expect(page.get_by_role("status")).to_contain_text("工会主席会重新办理")
    expect(page.locator(".service-badge")).to_have_text("重新办理")
    expect(page.locator(".service-rating")).to_have_count(0)
    assert ServiceRequest.get_by_id(filed.id).status == "reopened"


def test_wrong_code_says_not_found_and_keeps_what_was_typed(page):
    page.goto("/service/track")
    for digit in "1234567":
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="查询").tap()
    expect(page.get_by_role("alert")).to_contain_text("没有找到这个回执码的诉求")
    expect(page.locator("#receipt-code-input")).to_have_value("1234567")


def test_scanner_reads_the_receipt_qr_like_a_keyboard(page):
    filed = make_request("suggestion", "安全生产")
    page.goto("/service/track")
    code = filed.receipt_code
    page.keyboard.type(f"{code[:4]}-{code[4:8]}-{code[8:]}", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator(".service-status-head h1")).to_contain_text("工作有建议 · 安全生产")


def test_chair_handles_a_request_with_reply_and_internal_note(page, live_server):
    make_admin(password=ADMIN_PASSWORD)
    filed = make_request("hardship", "家庭困难", description="孩子上学需要帮助")
    admin_log_in(page)
    page.goto("/admin/service/")
    row = page.locator(f"tr[data-request='{filed.id}']")
    expect(row).to_contain_text("家庭困难")
    row.get_by_role("link", name="打开").click()
    expect(page.locator(".service-description")).to_have_text("孩子上学需要帮助")

    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#workbench .service-badge").first).to_have_text("已受理")
    page.fill("#reply-text", "请周三到工会办公室来一趟。")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator(".service-history")).to_contain_text("请周三到工会办公室来一趟。")
    page.fill("#note-text", "家访安排在周四")
    page.get_by_role("button", name="添加备注").click()
    expect(page.locator(".service-history-item.is-internal")).to_contain_text("家访安排在周四")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.locator("#workbench .service-badge").first).to_have_text("已办结")
    screenshot(page, "service-admin-detail")
    kinds = [e.kind for e in RequestEvent.select().where(RequestEvent.request == filed.id)
             .order_by(RequestEvent.at)]
    assert kinds == ["submitted", "received", "public_reply", "internal_note", "resolved"]

    # The worker sees the reply, not the note.
    worker_context, worker = new_page(page.context.browser, LANDSCAPE, base_url=live_server.url)
    worker.goto("/service/track")
    for digit in filed.receipt_code:
        worker.locator(f".keypad [data-key='{digit}']").tap()
    worker.get_by_role("button", name="查询").tap()
    expect(worker.locator(".service-timeline")).to_contain_text("请周三到工会办公室来一趟。")
    expect(worker.locator(".service-timeline")).not_to_contain_text("家访安排在周四")
    screenshot(worker, "service-status-landscape")
    worker_context.close()


def test_screens_fit_in_landscape(browser, live_server):
    context, page = new_page(browser, LANDSCAPE, base_url=live_server.url)
    page.goto("/service/")
    screenshot(page, "service-categories-landscape")
    page.locator(".service-category", has_text="权益有侵害").tap()
    expect(page.get_by_role("button", name="劳动合同", exact=True)).to_be_visible()
    screenshot(page, "service-topics-landscape")
    page.get_by_role("button", name="劳动合同", exact=True).tap()
    type_keys(page, "gongzi")
    expect(page.locator("[data-kb-candidate]").first).to_have_text("工资")
    screenshot(page, "service-describe-landscape")
    for selector in (".kb-key", ".kb-candidate"):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 64 and box["width"] >= 64
    # Everything needed to go on is on the screen without scrolling.
    next_box = page.get_by_role("button", name="下一步").bounding_box()
    assert next_box["y"] + next_box["height"] <= LANDSCAPE["height"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="下一步").tap()
    expect(page.locator("h1")).to_have_text("工会怎么联系您？")
    screenshot(page, "service-contact-landscape")
    page.get_by_role("button", name=re.compile("匿名提交")).tap()
    page.get_by_role("button", name="提交给工会").tap()
    expect(page.locator("#receipt-code")).to_be_visible()
    screenshot(page, "service-receipt-landscape")
    # Routed to the city federation by default, and kept until the sync sends it.
    filed = ServiceRequest.get(ServiceRequest.receipt_code == read_receipt_code(page))
    assert filed.handled_by == "central" and filed.urgent
    context.close()


def test_idle_terminal_drops_a_half_typed_request_and_says_so(browser, tmp_path):
    from kiosk.db import db

    from ..conftest import make_app
    from .conftest import PORTRAIT, LiveServer
    # The warning comes 4 s after the last touch: time for a loaded machine to tap twice.
    app = make_app(tmp_path / "idle", WTF_CSRF_ENABLED=True, KIOSK_IDLE_SECONDS=8,
                   KIOSK_IDLE_WARNING=4)
    with app.app_context(), LiveServer(app) as server:
        context, page = new_page(browser, PORTRAIT, base_url=server.url)
        page.goto("/service/new/hardship")
        page.get_by_role("button", name="家庭困难", exact=True).tap()
        type_keys(page, "ni")
        expect(page.locator("#idle-warning")).to_be_visible(timeout=12000)
        expect(page.locator("#idle-warning")).to_contain_text("您填写的内容将被清除")
        screenshot(page, "service-idle-warning-portrait")
        expect(page).to_have_url(re.compile(r"/attract$"), timeout=12000)  # the idle view
        page.goto("/service/describe")
        expect(page).to_have_url(re.compile(r"/service/$"))
        context.close()
        db.close()
