"""Demo requests: a few of each kind, at every stage of their life."""
import random
from datetime import timedelta

from ..models import utcnow
from ..roster.models import Member
from . import lifecycle
from .models import RequestEvent, ServiceRequest

# (category, topic, description, named?, events the union added)
DEMO_REQUESTS = [
    ("suggestion", "安全生产", "三号车床的防护罩松了，建议尽快检修。", True,
     [("received", ""), ("in_progress", "已转设备科"), ("resolved", "防护罩已更换，谢谢提醒！")]),
    ("learning", "技能培训", "想参加数控车床中级工培训。", True,
     [("received", "下月开班，届时通知您。")]),
    ("hardship", "大病医疗", "家人住院，医药费负担重。", True,
     [("received", ""), ("internal_note", "符合大病互助条件，准备材料")]),
    ("counselling", "工作压力", "最近总是睡不好，心里烦。", False, []),
    ("pay", "加班费", "上个月加班费好像少算了。", False,
     [("received", ""), ("public_reply", "已与财务核对，会在本月补发。"), ("resolved", "")]),
    ("suggestion", "食堂宿舍", "食堂晚班能不能多一个热菜？", False, []),
    ("rights", "劳动合同", "合同到期没有续签，也没有通知。", False, []),
]


def load_demo_requests(seed=11):
    rnd = random.Random(seed)
    members = list(Member.active_members().order_by(Member.staff_no).limit(50))
    for n, (category, topic, text, named, events) in enumerate(DEMO_REQUESTS):
        member = rnd.choice(members) if named and members else None
        request = lifecycle.file_request(category, topic, text, member=member)
        # Spread them over the last weeks, so some are overdue and the stats have months.
        filed = utcnow() - timedelta(days=2 + n * 3, hours=rnd.randint(0, 8))
        ServiceRequest.update(created_at=filed, awaiting_since=filed).where(
            ServiceRequest.id == request.id).execute()
        RequestEvent.update(at=filed).where(RequestEvent.request == request.id).execute()
        request = lifecycle.refresh(ServiceRequest.get_by_id(request.id))
        if request.handled_by != "station":
            continue  # the federation's to handle
        for kind, reply in events:
            lifecycle.add_event(request.id, kind, actor="chair", origin="station", text=reply)
