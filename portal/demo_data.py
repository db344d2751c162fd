"""Demo catalogue and accounts for local use; every row is labelled 演示数据."""

from datetime import date

DEMO_LABEL = "（演示数据）"

# Effective date of the demo catalogue versions: the day 京人社能发〔2022〕11号 took effect.
CATALOGUE_SINCE = date(2022, 5, 27)

_ALL = "intermediate,advanced,technician,senior_technician"
_TO_ADV = "primary,intermediate,advanced"

# (code, name, levels, urgent, in assessment scope, prohibited) in 职业分类大典 code format.
OCCUPATIONS: tuple[tuple[str, str, str, bool, bool, bool], ...] = (
    ("6-18-01-01", "车工", _ALL, True, True, False),
    ("6-18-01-02", "铣工", _ALL, True, True, False),
    ("6-18-01-04", "磨工", _ALL, False, True, False),
    ("6-18-01-07", "多工序数控机床操作调整工", _ALL, True, True, False),
    ("6-18-02-04", "焊工", _ALL, True, True, False),
    ("6-20-01-01", "装配钳工", _ALL, False, True, False),
    ("6-20-01-03", "工具钳工", _ALL, False, True, False),
    ("6-31-01-03", "电工", _ALL, True, True, False),
    ("6-31-01-10", "工业机器人系统运维员", _ALL, True, False, False),
    ("6-25-04-08", "集成电路工程技术辅助工", _ALL, True, False, False),
    ("4-04-05-05", "人工智能训练师", _ALL, True, True, False),
    ("4-04-04-02", "网络与信息安全管理员", _ALL, True, True, False),
    ("4-04-05-01", "计算机程序设计员", _ALL, False, True, False),
    ("4-04-05-02", "计算机软件测试员", _ALL, False, True, False),
    ("4-10-01-05", "养老护理员", _ALL, True, True, False),
    ("4-10-01-02", "育婴员", _TO_ADV, False, True, False),
    ("4-10-01-03", "保育师", _TO_ADV, False, True, False),
    ("4-03-02-01", "中式烹调师", _ALL, False, True, False),
    ("4-03-02-03", "中式面点师", _ALL, False, True, False),
    ("4-03-02-02", "西式烹调师", _ALL, False, True, False),
    ("4-12-01-01", "汽车维修工", _ALL, True, True, False),
    ("4-02-04-02", "城市轨道交通列车司机", _ALL, True, False, False),
    ("4-07-03-03", "智能楼宇管理员", _ALL, False, False, False),
    ("4-14-02-02", "健康照护师", _ALL, True, False, False),
    ("6-29-02-01", "电梯安装维修工", _ALL, False, True, False),
    ("6-23-03-01", "无人机装调检修工", _ALL, True, False, False),
    ("6-16-02-01", "印刷操作员", _ALL, False, True, False),
    ("6-04-02-01", "印染工", _ALL, False, False, True),
    ("6-18-02-01", "铸造工", _ALL, False, True, True),
    ("6-13-01-02", "水泥生产工", _ALL, False, False, True),
    ("6-11-01-03", "化工原料准备工", _ALL, False, False, True),
    ("4-01-06-01", "电子商务师", _ALL, False, True, False),
)

DEMO_PASSWORD = "Demo-2026"  # local demo only; documented in README

# (username, role, display name, district code)
STAFF = (
    ("center", "center", "市就业促进中心（演示）", None),
    ("chaoyang", "district", "朝阳区人社局审核员（演示）", "110105"),
    ("haidian", "district", "海淀区人社局审核员（演示）", "110108"),
    ("expert", "expert", "评审专家（演示）", None),
)

# (username, kind, name, district code, unified social credit code)
ORGANISATIONS = (
    ("qiye", "enterprise", "北京精工智造有限公司" + DEMO_LABEL, "110105", "91110105MA01DK8E71"),
    ("jigou", "institution", "北京市城建技师学院" + DEMO_LABEL, "110108", "12110108MB1C4R2PX7"),
    ("qiye2", "enterprise", "北京云帆养老服务有限公司" + DEMO_LABEL, "110105", "91110105MA7H5J3K2R"),
    ("qiye3", "enterprise", "北京亦庄芯测科技有限公司" + DEMO_LABEL, "110302", "91110302MA7H5J3K2Q"),
    # A high-skill host that is neither enterprise nor institution (HS-H1).
    ("daxue", "host", "北京城市科技大学" + DEMO_LABEL, "110108", "12110108MB0H7T3Q5Q"),
)
# A second expert who works at the institution: never assigned its proposals (HS-W3).
EXPERT_AT_INSTITUTION = ("expert2", "评审专家（演示，城建技师学院）", "jigou")

# Demo programmes: (enterprise username, occupation code, level, state, start date)
PROGRAMMES = (
    ("qiye", "6-18-01-01", "intermediate", "approved", date(2026, 3, 2)),
    ("qiye", "6-31-01-03", "advanced", "submitted", date(2026, 12, 1)),
    ("qiye2", "4-10-01-05", "intermediate", "submitted", date(2026, 12, 15)),
    ("qiye3", "6-25-04-08", "intermediate", "district_approved", date(2027, 1, 4)),
    # The demo story's class in training (portal.demo_story); 车工 stays the walk-through's.
    ("qiye", "6-18-01-02", "intermediate", "approved", date(2026, 3, 2)),
    # 云帆 entrusts this one's training to 精工 (AP-N4); its apprentices wait in 朝阳区's queue.
    ("qiye2", "4-03-02-01", "intermediate", "approved", date(2026, 9, 1)),
    # A class that has finished: assessed, certificates, both claims, a recovery (demo_money).
    ("qiye", "6-18-01-04", "intermediate", "approved", date(2025, 3, 3)),
    ("qiye", "6-18-02-04", "intermediate", "returned", date(2027, 3, 1)),
    ("qiye", "6-20-01-01", "advanced", "draft", date(2027, 3, 1)),
    ("qiye3", "4-04-05-05", "intermediate", "rejected", date(2027, 3, 1)),
)
# Why the district returned or rejected a demo programme (shown as its return note).
PROGRAMME_DECISIONS = {
    "returned": "培训计划中技能实训学时偏少，请按 1:3:6 调整后重新提交",
    "rejected": "该项目已在其他区重复申报，不予通过",
}

TRAINEE = ("xueyuan", "学员张三（演示）")
# The demo trainee's student record in qiye's approved 车工 programme (a valid demo ID).
TRAINEE_RESIDENT_ID = "110105200001011238"
TRAINEE_MOBILE = "13900000001"
# (organisation username, kind, name) of the two mentors (AP-M1)
MENTORS = (("qiye", "enterprise", "李师傅（演示）"), ("jigou", "teacher", "王老师（演示）"))
