"""简体中文 names of the interchange format's codes, as findings and pages show them."""

ORGANIZATION_KINDS = {
    "enterprise": "企业",
    "university": "高校",
    "institute": "科研院所",
    "hospital": "医疗卫生机构",
    "government": "机关（含县级科技主管部门）",
    "social_org": "社会组织",
    "other": "其他单位",
}

QUALIFICATIONS = {
    "high_tech_enterprise": "高新技术企业",
    "gazelle": "瞪羚企业",
    "tech_sme": "科技型中小企业",
    "innovative_county": "获批建设的创新型县（市、区）",
    "new_platform_since_2020": "2020年以来新获认定的自治区级（含以上）科研平台依托单位",
    "incubator": "市级以上孵化器/众创空间/大学科技园",
    "tech_transfer_demo": "自治区级技术转移示范机构",
    "science_base": "国家/自治区级科普基地",
    "key_clinical_specialty": "自治区级以上重点临床专科",
    "agri_park": "农业科技园区/星创天地",
    "own_land": "自有土地",
}

ATTACHMENTS = {
    "financial_statements": "单位财务报表",
    "audit_report": "财务审计报告",
    "county_recommendation": "县级科技主管部门推荐及县政府同意盖章",
    "talent_proof": "人才资质/人才引进协议等证明",
    "ethics_approval": "医学伦理委员会审查同意意见",
    "sales_proof": "单品种销售财务证明",
    "platform_accreditation": "平台认定文件",
    "service_agreement": "人才科技服务协议",
    "appointment_letter": "技术顾问/科技专员聘书",
    "id_card": "身份证复印件",
    "doctorate_certificate": "博士学位证书",
    "guilin_arrival_proof": "到桂林工作未满三年证明",
    "matching_commitment": "单位配套经费承诺书",
    "employment_contract": "劳动合同或人才引进协议",
    "unit_commitment": "申报单位承诺书",
    "benefit_audit_report": "经济效益审计报告",
    "ip_proof": "科技成果/知识产权权属证明",
    "no_city_funding_commitment": "未获市本级财政资金支持承诺书",
    "cooperation_agreement": "合作协议或合同",
    "b_class_verification": "自治区重大科技成果转化项目（B类）核验认定文件",
    "novelty_report": "科技查新报告",
    "reward_funds_proof": "自治区级奖励资金到位证明",
}

DEGREES = {"doctorate": "博士", "master": "硕士", "bachelor": "学士", "other": "其他"}

DISCIPLINES = {
    "natural_science": "自然科学",
    "engineering": "工程技术",
    "agriculture": "农业科学",
    "medical": "医学",
    "social_science": "社会科学",
    "other": "其他",
}

FUNDING_MODES = {
    "upfront": "前资助",
    "yearly_tranches": "分年拨付",
    "post_subsidy": "先实施后补助",
    "mixed": "前资助与后补助结合",
    "award": "奖励",
}

SEVERITIES = {"error": "错误", "warning": "提示"}


def names(labels: dict[str, str], codes) -> str:
    return "、".join(labels[c] for c in codes)


def yuan(amount: int) -> str:
    """An amount of 元 as officers write it: whole 万元 where it is one, else 元."""
    if amount and amount % 10000 == 0:
        return f"{amount // 10000}万元"
    return f"{amount:,}元"


RULE_KINDS = {
    "closed": "不接受申报",
    "lead_kinds": "牵头单位类型",
    "no_partners": "单独申报",
    "partner_kinds": "联合申报单位类型",
    "units_include": "联合申报单位构成",
    "min_units": "申报单位数下限",
    "max_units": "承担单位数上限",
    "max_subprojects": "课题数上限",
    "lead_in_guilin": "在桂林市注册",
    "lead_qualification": "牵头单位资质",
    "partner_outside_province": "区外合作单位",
    "recommendation_required": "推荐单位",
    "attachments": "必备附件",
    "matching": "匹配经费",
    "enterprise_rd_expense": "企业研发经费",
    "min_product_sales": "单品种年销售额",
    "leader_talent_category": "负责人人才类别",
    "leader_degree": "负责人学位",
    "leader_discipline": "负责人学科领域",
    "leader_arrived_within_years": "负责人到桂林工作年限",
    "leader_max_age": "负责人年龄",
    "leader_foreign_expert_class": "外国高端人才类别",
    "core_senior_share": "核心成员正高职称比例",
    "priority": "优先支持（提示）",
    "officer_verify": "科室核实（提示）",
    "challenge_item": "揭榜挂帅：所揭榜单项目",
    "challenge_plan": "揭榜挂帅：揭榜方案",
    "per_unit_limit": "每个单位限报项数",
    "per_county_limit": "每个县限报项数",
    "not_funded_before": "重复资助",
    "leader_limit": "负责人限项",
    "credit_sanction": "失信记录",
}
