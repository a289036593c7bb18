"""Small helpers for the alert tests: channels, the kiosk steps, a delivery run."""
from kiosk.alerts.deliverer import run_once
from kiosk.alerts.models import AlertChannel
from kiosk.models import utcnow
from kiosk.mood.models import MoodCheckin

WECOM_KEY = "693a91f6-7b1c-4bc4-97a0-0ec2abcd5aaa"
DING_TOKEN = "d" * 64
DING_SECRET = "SEC" + "0123456789abcdef" * 4
ALL = "talk,crisis,team_mood,urgent,life_event,visit_overdue,morning_sheet"
HX = {"HX-Request": "true"}


def wecom(triggers=ALL, name="工会干部群", enabled=True):
    return AlertChannel.create(kind="wecom", name=name, triggers=triggers, enabled=enabled,
                               options={}, secrets={"key": WECOM_KEY})


def dingtalk(triggers=ALL, name="钉钉群", secret=DING_SECRET):
    secrets = {"token": DING_TOKEN}
    if secret:
        secrets["sign_secret"] = secret
    return AlertChannel.create(kind="dingtalk", name=name, triggers=triggers, options={},
                               secrets=secrets)


def deliver(app, now=None):
    """One delivery run, as the thread, the CLI and the timer do it."""
    with app.app_context():
        return run_once(app, now or utcnow())


def identify(client, member):
    response = client.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    assert response.status_code in (200, 303)


def upset_and_talk(client, member):
    """有点烦, then 想找工会聊聊, through the kiosk's own routes."""
    identify(client, member)
    assert client.post("/mood/checkin", data={"mood": "upset"}, headers=HX).status_code == 200
    checkin = (MoodCheckin.select().where(MoodCheckin.member == member)
               .order_by(MoodCheckin.at.desc()).first())
    response = client.post("/mood/talk", data={"checkin_id": str(checkin.id)}, headers=HX)
    assert response.status_code == 200
    return checkin


def file_request(client, category="hardship", topic="0", description="", mode="anonymous"):
    assert client.post(f"/service/new/{category}", data={"topic": topic}).status_code == 303
    assert client.post("/service/describe", data={"description": description}).status_code == 303
    assert client.post("/service/contact", data={"phone": "", "mode": mode}).status_code == 303
    return client.post("/service/submit")
