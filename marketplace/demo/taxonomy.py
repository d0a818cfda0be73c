"""Reference data for Shaoxing: districts, associations, skills and certificate types."""

from typing import NamedTuple

from ..models import Industry

CITY = "绍兴市"


class DistrictData(NamedTuple):
    code: str  # GB/T 2260
    name: str
    name_en: str
    lat: float  # WGS-84 centre
    lon: float
    towns: tuple[str, ...]  # streets and towns, used in addresses and pickup points


DISTRICTS = (
    DistrictData(
        "330602", "越城区", "Yuecheng District", 29.9882, 120.5826,
        ("皋埠街道", "斗门街道", "马山街道", "东湖街道", "陶堰街道", "灵芝街道"),
    ),
    DistrictData(
        "330603", "柯桥区", "Keqiao District", 30.0819, 120.4951,
        ("柯桥街道", "齐贤街道", "钱清街道", "杨汛桥街道", "福全街道", "马鞍街道"),
    ),
    DistrictData(
        "330604", "上虞区", "Shangyu District", 30.0331, 120.8681,
        ("百官街道", "曹娥街道", "崧厦街道", "道墟街道", "章镇镇", "沥海街道"),
    ),
    DistrictData(
        "330681", "诸暨市", "Zhuji City", 29.7087, 120.2469,
        ("大唐街道", "暨阳街道", "陶朱街道", "店口镇", "枫桥镇", "山下湖镇"),
    ),
    DistrictData(
        "330683", "嵊州市", "Shengzhou City", 29.5614, 120.8310,
        ("剡湖街道", "三江街道", "浦口街道", "甘霖镇", "长乐镇", "黄泽镇"),
    ),
    DistrictData(
        "330624", "新昌县", "Xinchang County", 29.4998, 120.9039,
        ("七星街道", "羽林街道", "南明街道", "儒岙镇", "沙溪镇", "澄潭街道"),
    ),
)  # fmt: skip

# Where people and factories are: Keqiao's textile belt is the largest.
DISTRICT_WEIGHTS = {
    "330602": 20,
    "330603": 25,
    "330604": 17,
    "330681": 18,
    "330683": 10,
    "330624": 10,
}


class AssociationData(NamedTuple):
    name: str
    name_en: str
    industry: Industry
    district_code: str


ASSOCIATIONS = (
    AssociationData(
        "绍兴市纺织行业协会", "Shaoxing Textile Industry Association", Industry.TEXTILES, "330603"
    ),
    # Datang in Zhuji is "sock town": a large share of the world's socks are knitted there.
    AssociationData("诸暨市袜业协会", "Zhuji Hosiery Association", Industry.HOSIERY, "330681"),
    AssociationData(
        "新昌县轴承行业协会", "Xinchang Bearing Industry Association", Industry.BEARINGS, "330624"
    ),
    AssociationData(
        "嵊州市领带服装行业协会",
        "Shengzhou Necktie and Garment Industry Association",
        Industry.GARMENTS,
        "330683",
    ),
    AssociationData(
        "绍兴市上虞区医疗防护用品行业协会",
        "Shangyu Medical and Protective Supplies Association",
        Industry.MEDICAL_SUPPLIES,
        "330604",
    ),
    AssociationData(
        "绍兴市越城区电子商务协会",
        "Yuecheng E-commerce Association",
        Industry.ECOMMERCE,
        "330602",
    ),
)

# (code, name_zh, name_en), grouped by industry.
SKILLS: dict[Industry, tuple[tuple[str, str, str], ...]] = {
    Industry.TEXTILES: (
        ("weaving.loom_operation", "织机操作", "Loom operation"),
        ("weaving.rapier_loom", "剑杆织机挡车", "Rapier loom tending"),
        ("weaving.water_jet_loom", "喷水织机挡车", "Water-jet loom tending"),
        ("weaving.air_jet_loom", "喷气织机挡车", "Air-jet loom tending"),
        ("weaving.warping", "整经", "Warping"),
        ("weaving.drawing_in", "穿综", "Drawing-in"),
        ("weaving.loom_fixing", "织机保全", "Loom fixing"),
        ("weaving.yarn_twisting", "倍捻加弹", "Yarn twisting and texturing"),
        ("dyeing.dye_vat", "染缸操作", "Dye vat operation"),
        ("dyeing.colour_matching", "配色打样", "Colour matching"),
        ("dyeing.printing", "印花", "Textile printing"),
        ("dyeing.digital_printing", "数码印花", "Digital textile printing"),
        ("finishing.stenter", "定型机操作", "Stenter operation"),
        ("finishing.fabric_inspection", "验布", "Fabric inspection"),
    ),
    Industry.GARMENTS: (
        ("garment.lockstitch_sewing", "平车缝纫", "Lockstitch sewing"),
        ("garment.overlock_sewing", "拷边", "Overlock sewing"),
        ("garment.cutting", "裁剪", "Cutting"),
        ("garment.pattern_making", "打版", "Pattern making"),
        ("garment.pressing", "整烫", "Pressing"),
        ("garment.necktie_sewing", "领带缝制", "Necktie sewing"),
    ),
    Industry.HOSIERY: (
        ("sock.knitting_machine", "袜机挡车", "Sock knitting machine tending"),
        ("sock.machine_fixing", "袜机维修", "Sock machine fixing"),
        ("sock.toe_seaming", "缝头", "Toe seaming"),
        ("sock.hand_linking", "手工套口", "Hand toe linking"),
        ("sock.boarding", "袜子定型", "Sock boarding"),
        ("sock.pairing", "配袜", "Sock pairing"),
    ),
    Industry.BEARINGS: (
        ("bearing.lathe_turning", "车工", "Lathe turning"),
        ("bearing.cnc_lathe", "数控车床操作", "CNC lathe operation"),
        ("bearing.cnc_programming", "数控编程", "CNC programming"),
        ("bearing.grinding", "磨工", "Grinding"),
        ("bearing.superfinishing", "超精研", "Superfinishing"),
        ("bearing.heat_treatment", "热处理", "Heat treatment"),
        ("bearing.assembly", "轴承装配", "Bearing assembly"),
        ("bearing.forging", "锻造", "Ring forging"),
    ),
    Industry.MEDICAL_SUPPLIES: (
        ("mask.melt_blown", "熔喷布生产", "Melt-blown fabric production"),
        ("mask.machine_operation", "口罩机操作", "Mask machine operation"),
        ("mask.machine_tuning", "口罩机调试", "Mask machine tuning"),
        ("mask.ear_loop_welding", "耳带焊接", "Ear-loop welding"),
        ("mask.cleanroom", "洁净车间作业", "Clean-room work"),
        ("mask.sterilisation", "环氧乙烷灭菌", "Ethylene-oxide sterilisation"),
        ("protective.seam_taping", "防护服压胶", "Protective suit seam taping"),
    ),
    Industry.LOGISTICS: (
        ("logistics.forklift", "叉车驾驶", "Forklift driving"),
        ("logistics.picking", "仓库拣货", "Order picking"),
        ("logistics.stocktaking", "仓库盘点", "Stocktaking"),
        ("logistics.loading", "装卸搬运", "Loading and unloading"),
        ("logistics.delivery_driving", "配送驾驶", "Delivery driving"),
    ),
    Industry.ELECTRICAL: (
        ("electrical.low_voltage", "低压电工", "Low-voltage electrical work"),
        ("electrical.high_voltage", "高压电工", "High-voltage electrical work"),
        ("electrical.plc", "PLC 维护", "PLC maintenance"),
        ("electrical.motor_repair", "电机维修", "Motor repair"),
    ),
    Industry.PACKAGING: (
        ("packaging.boxing", "装箱", "Boxing"),
        ("packaging.labelling", "贴标", "Labelling"),
        ("packaging.shrink_wrap", "热收缩包装", "Shrink wrapping"),
        ("packaging.carton_forming", "纸箱成型", "Carton forming"),
    ),
    Industry.CATERING: (
        ("catering.cooking", "中式烹调", "Chinese cooking"),
        ("catering.kitchen_helper", "帮厨", "Kitchen helper"),
        ("catering.serving", "食堂打饭", "Canteen serving"),
        ("catering.dishwashing", "洗消", "Dish washing and sanitising"),
    ),
    Industry.ECOMMERCE: (
        ("ecommerce.live_host", "直播带货主播", "Live-stream host"),
        ("ecommerce.live_assistant", "直播助理", "Live-stream assistant"),
        ("ecommerce.customer_service", "网店客服", "Online customer service"),
        ("ecommerce.product_photography", "产品拍摄", "Product photography"),
    ),
    Industry.SMART_MANUFACTURING: (
        ("smart.industrial_robot", "工业机器人运维", "Industrial robot maintenance"),
        ("smart.mes", "MES 系统实施", "MES implementation"),
        ("smart.machine_connectivity", "设备联网", "Machine connectivity (IIoT)"),
        ("smart.lean_production", "精益生产", "Lean production"),
        ("smart.automation_retrofit", "自动化改造", "Automation retrofit"),
    ),
    Industry.GENERAL: (
        ("quality.visual_inspection", "外观检验", "Visual inspection"),
        ("quality.gauge_measurement", "量具检测", "Gauge measurement"),
        ("quality.cmm", "三坐标测量", "Coordinate measuring machine"),
        ("general.machine_maintenance", "设备机修", "Machine maintenance"),
        ("general.welding", "电焊", "Welding"),
        ("general.cleaning", "保洁", "Cleaning"),
        ("general.temperature_screening", "防疫测温", "Temperature screening"),
    ),
}


class CertificateData(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    validity_years: int | None


CERTIFICATE_TYPES = (
    CertificateData(
        "electrician_low_voltage",
        "低压电工作业特种作业操作证",
        "Special operation certificate: low-voltage electrician",
        6,
    ),
    CertificateData(
        "electrician_high_voltage",
        "高压电工作业特种作业操作证",
        "Special operation certificate: high-voltage electrician",
        6,
    ),
    CertificateData(
        "welding_hot_cutting",
        "熔化焊接与热切割作业证",
        "Special operation certificate: welding and hot cutting",
        6,
    ),
    CertificateData("forklift", "叉车司机证（N1）", "Forklift driver (N1)", 4),
    CertificateData(
        "boiler_operator", "工业锅炉司炉证（G1）", "Industrial boiler operator (G1)", 4
    ),
    CertificateData("driving_c1", "机动车驾驶证 C1", "Driving licence C1", 6),
    CertificateData("driving_b2", "机动车驾驶证 B2", "Driving licence B2 (trucks)", 6),
    CertificateData("driving_a1", "机动车驾驶证 A1", "Driving licence A1 (large buses)", 6),
    CertificateData("health", "健康证", "Health certificate", 1),
    CertificateData(
        "food_health", "食品经营从业人员健康证明", "Food-handler health certificate", 1
    ),
)

# Certificates a shift needs when its first required skill is one of these.
SKILL_CERTIFICATES = {
    "electrical.low_voltage": ("electrician_low_voltage",),
    "electrical.high_voltage": ("electrician_high_voltage",),
    "general.welding": ("welding_hot_cutting",),
    "logistics.forklift": ("forklift",),
    "logistics.delivery_driving": ("driving_c1",),
    "dyeing.dye_vat": ("health",),
    "catering.cooking": ("food_health",),
    "catering.kitchen_helper": ("food_health",),
    "catering.serving": ("food_health",),
    "mask.cleanroom": ("health",),
    "mask.machine_operation": ("health",),
}

# Industries whose staff every factory needs, whatever it makes.
SUPPORT_INDUSTRIES = (
    Industry.ELECTRICAL,
    Industry.LOGISTICS,
    Industry.PACKAGING,
    Industry.CATERING,
    Industry.GENERAL,
)


def district_by_code(code: str) -> DistrictData:
    """The district with this GB/T 2260 code."""
    return next(d for d in DISTRICTS if d.code == code)


def skill_count() -> int:
    """How many skills the taxonomy defines."""
    return sum(len(group) for group in SKILLS.values())
