"""Plain-Chinese explanation of every rule ID in RULES.md, shown when a user is refused.

Figures are formatted in from the constants and parameter defaults (or the caller's
parameter overrides), never typed again here.
"""

from collections.abc import Iterable, Mapping

from . import apprenticeship as ap
from . import high_skill as hs
from . import identifiers as ids
from . import levels, subsidy
from .parameters import DEFAULTS, param

# AP-E6: Beijing's minimum wage leaves out the employee's own contributions, overtime pay and
# special allowances, so a wage stated with them would pass a check it ought to fail.
WAGE_BASIS = "不含学徒个人缴纳的社会保险费和住房公积金，也不含加班工资和中夜班、高温等特殊津贴"

# C-EFF: the refusal of a back-dated value without a reason (the rule's full text is long).
BACKDATE_NEEDS_REASON = "补录已生效的数值须说明理由（规则 C-EFF）"

# Keys are in catalogue order (the order of RULES.md).
_TEMPLATES: dict[str, str] = {
    "C-ID1": "居民身份证号码须为{id_len}位，出生日期真实（不早于{earliest_birth_year}年，不晚于当日），末位校验码正确",
    "C-ID2": "统一社会信用代码须为{code_len}位（不含I、O、Z、S、V），末位校验码正确",
    "C-ID3": "手机号码须为以1开头的{mobile_len}位数字",
    "C-PII": "向他人展示时身份证号仅显示前{id_head}位和后{id_tail}位，手机号仅显示前{mobile_head}位和后{mobile_tail}位；查看完整身份证号将记入审计日志",
    "C-AUD": "每一次状态变更都须留存不可修改的审计记录",
    "C-DIST": "属地管理：区级审核人员只能查看和办理本区的记录",
    "C-MONEY": "金额以整数元计，不使用小数",
    "C-REV": "每个审核环节可通过、退回修改（须填写意见）或不予通过（须填写理由）",
    "C-EFF": "政策参数和目录版本均有生效日期；补录已过生效日期的数值须说明理由并记入审计日志，且不改变已拨付的金额；核查或统计过去某日按当日有效的数值",
    "AP-E1": "劳动合同期限须不少于{contract_years}年（无固定期限合同除外），且登记之日合同仍在有效期内",
    "AP-E7": "学徒在劳动合同起始之日须年满{min_age}周岁（劳动法禁止招用未满{min_age}周岁的人员）",
    "AP-E2": "学徒须在本市缴纳社会保险",
    "AP-E3": "学徒须为企业新招用、转岗或企业自主确定的技能岗位人员",
    "AP-E4": "培训对象须为中级工及以上等级，初级不予受理",
    "AP-E5": "同一人同一时间只能有一个在读的学徒培训学籍",
    "AP-E6": "培训期间学徒工资不得低于本市最低工资标准（每月{min_monthly_wage}元）；此处工资{wage_basis}",
    "AP-N1": "培训主体须为在本市登记、统一社会信用代码有效的企业，并建立培训制度和技能人才激励机制",
    "AP-N2": "培训职业（工种）不得属于本市新增产业禁止和限制目录",
    "AP-N3": "服务首都“四个中心”功能建设的行业企业优先审核，其他企业不因此被拒绝",
    "AP-N4": "中小微企业及培训人数较少的子公司可独立、联合或委托优质企业培训，委托须向区里备案",
    "AP-I1": "培训机构须为具有独立法人资格的技工院校、职业院校、民办培训机构或企业培训中心",
    "AP-I2": "培训机构的办学许可或培训资质须覆盖该职业（工种），并在整个培训期内有效",
    "AP-I3": "培训机构须具备相应的场地、设备、师资和开发培训方案、课程的能力",
    "AP-I4": "只能选择已列入本市培训机构目录的培训机构",
    "AP-C1": "通用素质、专业理论、技能实训学时原则上按{course_ratio}设置，任一部分偏差超过{ratio_tolerance}个百分点将提示（不影响提交）",
    "AP-C2": "授课形式为集中面授、网络教育或岗位指导",
    "AP-C3": "培养期限原则上中级工{years_intermediate}年、高级工及以上{years_higher}年；其他期限须说明理由，并提示审核人员；含延期最长不超过{years_max}年",
    "AP-C4": "每{hours_per_credit}课时计1学分；中级工须修满{credits_intermediate}学分，高级工及以上须修满{credits_higher}学分",
    "AP-C5": "选定的培训教材须由企业报属地人力资源社会保障部门备案",
    "AP-A1": "企业须与学徒签订企业新型学徒培训协议（同批次同类职业可签集体协议）",
    "AP-A2": "提交培训项目前，企业须与培训机构签订企业新型学徒培训合作协议",
    "AP-M1": "每名学徒须配备企业导师和培训机构教师各一名",
    "AP-M2": "企业导师须具备实践操作指导能力，并具有{mentor_years}年以上相关实践经验、高级工及以上等级或中级及以上职称、或为企业认定的技术骨干之一",
    "AP-M3": "培训机构教师须具有课程开发和教学经验，并为一体化或双师型教师、从教不少于{teacher_years}年、或具有高级工及以上等级或中级及以上职称之一",
    "AP-M4": "导师须身心健康，具有良好的职业道德、责任心和沟通表达能力",
    "AP-P1": "学徒实行实名制学籍管理，建立培训档案",
    "AP-P2": "请销假、成绩和学籍异动须记录日期和原因，学籍异动须经区里审核",
    "AP-P3": "可为培训课次上传培训现场照片和视频",
    "AP-P4": "出勤率低于{attendance_alert_below_pct}%或流失率高于{attrition_alert_above_pct}%时预警",
    "AP-P5": "目录实行版本管理，培训项目按学籍建立当日有效的目录版本执行",
    "AP-W1": "企业、培训机构申请经区级审核后，由市级复核汇总",
    "AP-W2": "学徒报名经区级逐人审核后，方可建立学籍、开班培训",
    "AP-W3": "按首次补贴申请拨付、考核评价、剩余补贴申请拨付的顺序办理",
    "AP-W4": "办理环节不得跳过或重复；只有草稿或退回状态的记录可由本人修改",
    "AP-S1": "培训期满由企校联合考核，合格者核发技工院校毕业证书或企业新学徒培训合格证书",
    "AP-S2": "取得的职业证书须登记证书类别、等级和编号",
    "AP-$1": "补贴标准（元/人·年）：{subsidy_standards}",
    "AP-$2": "补贴年限按标准培养期限计算（中级工{years_intermediate}年，其他{years_higher}年）{extension_note}",
    "AP-$3": "培训合格并取得职业证书的全额补贴，合格未取得证书的按{rate_no_certificate}%补贴，不合格的不予补贴；未纳入本市考核评价范围的急需紧缺职业（工种），合格即全额补贴",
    "AP-$4": "学籍建立后预拨补贴标准的{prepayment_pct}%，考核后拨付剩余部分；不合格或退出培训的追回已预拨资金",
    "AP-$5": "补贴资金优先从{first_source}列支，不足部分从{second_source}列支",
    "AP-$6": "企业和培训机构须建立补贴申领、拨付、追回台账",
    "AP-V1": "区级检查（视频抽查、现场检查）须记录发现的问题并通知企业和培训机构",
    "AP-V2": "培训不规范或流失率高的企业将被约谈；拒不整改的停训整改，停训期间不得招收学徒或申领补贴",
    "AP-V3": "骗取、套取补贴的，按原渠道追回资金并移交有关部门处理",
    "AP-V4": "市级委托第三方审计，审计不合格的绩效评价一票否决",
    "AP-T1": "“十四五”期间培养学徒{apprentice_target}人次",
    "HS-E1": "研修学员须为技师及以上等级；企业重点培养的高精尖、新兴产业人才可放宽到高级工",
    "HS-E2": "研修学员须连续在京缴纳城镇职工社会保险{hs_insured_months}个月及以上",
    "HS-E3": "每人每{hs_interval_years}年只能参加一次高技能人才研修培训",
    "HS-H1": "承办单位须为本市具有独立法人资格、具备培训条件和经验的单位",
    "HS-H2": "每家承办单位每年申报的项目不超过{hs_max_proposals}个",
    "HS-H3": "承办单位不得转包、分包研修项目",
    "HS-P1": "一个研修项目可含一个或多个相关相近职业（工种）",
    "HS-P2": "每班{hs_class_min}至{hs_class_max}人，全年研修人数不超过{hs_annual_cap}人",
    "HS-P3": "研修内容以新知识、新技术、新技能、新工艺为主，由专家、技能大师等授课",
    "HS-P4": "累计学时一般不少于{hs_min_hours}学时，其中研讨、交流不少于{hs_min_seminar_hours}学时；低于的须说明理由，并提示评审专家和市级；研讨、交流学时不得超过累计学时",
    "HS-P5": "结业时每名学员须撰写工作总结，作为考核的主要依据",
    "HS-W1": "市就业促进中心每季度确定专业方向并征集研修项目",
    "HS-W2": "承办单位针对征集通知提交项目实施方案",
    "HS-W3": "项目实施方案经专家评审后确定项目及研修人数",
    "HS-W4": "学员名单和培训计划须在开班{hs_lead_days}天前备案，人数须符合核定人数和班额要求",
    "HS-W5": "变更项目或培训计划须事先备案",
    "HS-W6": "研修项目须在当年完成，不得跨年度举办",
    "HS-W7": "结业时承办单位对学员进行考核，合格者登记入结业名册",
    "HS-W8": "研修结束后{hs_filing_days}天内须报送工作总结、结业名册和学员总结，逾期将被标记",
    "HS-W9": "结业证书按备案的结业名册发放",
    "HS-W10": "市就业促进中心可抽查项目，并在拨款前后委托第三方审计",
    "HS-$1": "按结业名册每人{hs_funding_per_trainee}元向承办单位拨付研修补助",
    "HS-$2": "弄虚作假骗取补贴的，取消承办资格、追回资金并追究责任",
}


def _subsidy_standards(params: Mapping[str, int] | None) -> str:
    """AP-$1: the eight standards as one Chinese sentence."""
    parts = []
    for urgent, category in ((False, "普通职业（工种）"), (True, "急需紧缺职业（工种）")):
        amounts = "、".join(
            f"{levels.LEVEL_LABELS[level]}{subsidy.subsidy_standard(level, urgent, params=params)}元"
            for level in levels.TRAINABLE_LEVELS
        )
        parts.append(category + amounts)
    return "；".join(parts)


def _figures(params: Mapping[str, int] | None) -> dict[str, object]:
    """C-*, AP-*, HS-*: every figure a message template refers to."""
    (_, first_source), (_, second_source) = subsidy.FUNDING_SOURCES
    counts_extension = param(params, "subsidy_counts_extension")
    return {
        **{key: param(params, key) for key in DEFAULTS},
        "id_len": ids.RESIDENT_ID_LENGTH,
        "earliest_birth_year": ids.EARLIEST_BIRTH_DATE.year,
        "code_len": ids.CREDIT_CODE_LENGTH,
        "mobile_len": ids.MOBILE_LENGTH,
        "id_head": ids.RESIDENT_ID_KEEP[0],
        "id_tail": ids.RESIDENT_ID_KEEP[1],
        "mobile_head": ids.MOBILE_KEEP[0],
        "mobile_tail": ids.MOBILE_KEEP[1],
        "wage_basis": WAGE_BASIS,
        "contract_years": ap.MIN_CONTRACT_YEARS,
        "min_age": ap.MIN_AGE_YEARS,
        "course_ratio": ":".join(str(part) for part in ap.COURSE_RATIO),
        "ratio_tolerance": ap.COURSE_RATIO_TOLERANCE_PCT,
        "years_intermediate": levels.DURATION_YEARS_INTERMEDIATE,
        "years_higher": levels.DURATION_YEARS_HIGHER,
        "years_max": levels.MAX_DURATION_YEARS,
        "hours_per_credit": levels.HOURS_PER_CREDIT,
        "credits_intermediate": levels.CREDITS_INTERMEDIATE,
        "credits_higher": levels.CREDITS_HIGHER,
        "mentor_years": ap.MENTOR_MIN_PRACTICE_YEARS,
        "teacher_years": ap.TEACHER_MIN_TEACHING_YEARS,
        "subsidy_standards": _subsidy_standards(params),
        "extension_note": "，延期年限计入补贴年限" if counts_extension else "，延期不增加补贴年限",
        "rate_no_certificate": subsidy.NO_CERTIFICATE_RATE_PCT,
        "first_source": first_source,
        "second_source": second_source,
        "apprentice_target": ap.APPRENTICE_TARGET,
        "hs_insured_months": hs.HS_MIN_INSURED_MONTHS,
        "hs_interval_years": hs.HS_PARTICIPATION_INTERVAL_YEARS,
        "hs_max_proposals": hs.HS_MAX_PROPOSALS_PER_YEAR,
        "hs_min_hours": hs.HS_MIN_TOTAL_HOURS,
        "hs_min_seminar_hours": hs.HS_MIN_SEMINAR_HOURS,
        "hs_lead_days": hs.HS_LIST_FILING_LEAD_DAYS,
        "hs_filing_days": hs.HS_FILING_WINDOW_DAYS,
    }


RULE_MESSAGES: dict[str, str] = {
    rule_id: template.format_map(_figures(None)) for rule_id, template in _TEMPLATES.items()
}


def rule_message(rule_id: str, *, params: Mapping[str, int] | None = None) -> str:
    """C-*, AP-*, HS-*: the explanation of ``rule_id`` followed by the ID, for users.

    With ``params`` the figures are those in force rather than the seed defaults.
    """
    message = (
        RULE_MESSAGES[rule_id]
        if params is None
        else _TEMPLATES[rule_id].format_map(_figures(params))
    )
    return f"{message}（规则 {rule_id}）"


_CATALOGUE_ORDER = {rule_id: index for index, rule_id in enumerate(_TEMPLATES)}


def in_catalogue_order(rule_ids: Iterable[str]) -> list[str]:
    """C-REV: distinct rule IDs sorted as RULES.md lists them, so refusals read in order."""
    last = len(_CATALOGUE_ORDER)
    return sorted(set(rule_ids), key=lambda rule_id: _CATALOGUE_ORDER.get(rule_id, last))


class RuleViolation(Exception):
    """C-REV, AP-*, HS-*: raised by services when a state change would break rules."""

    def __init__(self, rule_ids: Iterable[str] | str, *, params: Mapping[str, int] | None = None):
        """C-REV: ``rule_ids`` in catalogue order; ``params`` are the figures in force."""
        self.rule_ids: list[str] = [rule_ids] if isinstance(rule_ids, str) else list(rule_ids)
        self.params = params
        super().__init__(self.rule_ids)

    @property
    def message(self) -> str:
        """C-REV: the Chinese messages, each naming its rule; read like ``ServiceError.message``."""
        return "；".join(rule_message(rule_id, params=self.params) for rule_id in self.rule_ids)

    def __str__(self) -> str:
        """C-REV: the same text as ``message``."""
        return self.message
