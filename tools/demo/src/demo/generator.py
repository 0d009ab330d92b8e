"""A deterministic simulated ERP of a wholesale distributor (beauty, household and food; CNY).

`generate` builds customers and a year of orders ending at `as_of` from a seed. Each customer is
drawn from its own random stream (seed and index), so a smaller run is a prefix of a larger one with
the same seed and `as_of`: same customers, same orders, same event ids.

Calibration (handbook): about 80% of revenue from 20% of customers, and with the accounts
service's default thresholds about 15% high, 50% medium and 35% low value accounts.
"""

import bisect
import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TypeAlias

from contracts.envelope import CloudEvent
from contracts.erp_v1 import (
    SOURCE,
    CustomerUpserted,
    OrderCancelled,
    OrderLine,
    OrderPlaced,
    OrderReturned,
)

CURRENCY = "CNY"
WINDOW = timedelta(days=365)
# Orders are placed during Chinese business hours; China has one time zone and no DST.
CHINA_TZ = timezone(timedelta(hours=8), "CST")
CENT = Decimal("0.01")
# Fixed root namespace: event ids are uuid5(namespace of seed and as_of, entity).
ID_NAMESPACE = uuid.UUID("5d0c6f3e-8a41-4f0e-9a6b-2f4e1c7b9d20")

OrderEvent: TypeAlias = OrderPlaced | OrderCancelled | OrderReturned
DemoEvent: TypeAlias = CustomerUpserted | OrderEvent


# --- expected results (what the accounts service should compute) -------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The accounts service's default value and frequency thresholds (DOMAIN.md §1)."""

    high_revenue: Decimal = Decimal(500_000)
    medium_revenue: Decimal = Decimal(300_000)
    high_orders: int = 5
    medium_orders: int = 3


DEFAULT_THRESHOLDS = Thresholds()


def value_class(net_revenue: Decimal, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """ "high", "medium" or "low" by trailing-12-month net revenue."""
    if net_revenue >= thresholds.high_revenue:
        return "high"
    if net_revenue >= thresholds.medium_revenue:
        return "medium"
    return "low"


def frequency_class(order_count: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """ "high", "medium" or "low" by trailing-12-month order count."""
    if order_count >= thresholds.high_orders:
        return "high"
    if order_count >= thresholds.medium_orders:
        return "medium"
    return "low"


@dataclass(frozen=True)
class CustomerTotals:
    """A customer's trailing-12-month figures."""

    order_count: int
    net_revenue: Decimal


def event_time(event: DemoEvent) -> datetime:
    """The business time of an event: the CloudEvent `time`."""
    if isinstance(event, CustomerUpserted):
        return event.updated_at
    if isinstance(event, OrderPlaced):
        return event.placed_at
    if isinstance(event, OrderCancelled):
        return event.cancelled_at
    return event.returned_at


def _entity(event: DemoEvent) -> str:
    if isinstance(event, CustomerUpserted):
        return event.customer_id
    return event.order_id


@dataclass(frozen=True)
class DemoData:
    """Generated events in publication order: customers first, then order events by time."""

    seed: int
    as_of: datetime
    customers: list[CustomerUpserted]
    order_events: list[OrderEvent]
    namespace: uuid.UUID = field(init=False)

    def __post_init__(self) -> None:
        # The namespace covers everything the content depends on besides the entity itself.
        name = f"rapport-demo;seed={self.seed};as_of={self.as_of.isoformat()}"
        object.__setattr__(self, "namespace", uuid.uuid5(ID_NAMESPACE, name))

    @property
    def orders(self) -> list[OrderPlaced]:
        return [e for e in self.order_events if isinstance(e, OrderPlaced)]

    @property
    def cancellations(self) -> list[OrderCancelled]:
        return [e for e in self.order_events if isinstance(e, OrderCancelled)]

    @property
    def returns(self) -> list[OrderReturned]:
        return [e for e in self.order_events if isinstance(e, OrderReturned)]

    def events(self) -> list[DemoEvent]:
        """Every event in publication order."""
        return [*self.customers, *self.order_events]

    def event_id(self, event: DemoEvent) -> str:
        """Deterministic id: one event per type and entity, so a re-publish is a duplicate."""
        return str(uuid.uuid5(self.namespace, f"{event.event_type}/{_entity(event)}"))

    def cloud_event(self, event: DemoEvent) -> CloudEvent:
        return CloudEvent.wrap(
            event, source=SOURCE, time=event_time(event), id=self.event_id(event)
        )

    def expected_trailing(self) -> dict[str, CustomerTotals]:
        """Per customer, orders placed in (as_of - 365 days, as_of] that were not cancelled, and
        their total minus returned amounts. Every customer is present (zeros when no orders)."""
        start = self.as_of - WINDOW
        cancelled = {e.order_id for e in self.cancellations if e.cancelled_at <= self.as_of}
        counted: dict[str, OrderPlaced] = {
            o.order_id: o
            for o in self.orders
            if start < o.placed_at <= self.as_of and o.order_id not in cancelled
        }
        counts = {c.customer_id: 0 for c in self.customers}
        revenue = {c.customer_id: Decimal("0.00") for c in self.customers}
        for order in counted.values():
            counts[order.customer_id] += 1
            revenue[order.customer_id] += order.total
        for ret in self.returns:
            # A return reduces the revenue of the order it belongs to, if that order counts.
            if ret.order_id in counted and ret.returned_at <= self.as_of:
                revenue[ret.customer_id] -= ret.amount
        return {cid: CustomerTotals(counts[cid], revenue[cid]) for cid in counts}


# --- reference data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    """A city, named in Chinese as the distributor's staff write it (the region is the data's
    English key)."""

    name: str  # without 市
    province: str  # in full: 浙江省, 内蒙古自治区; a municipality's is the city itself (上海市)
    postcode: str  # first three digits
    districts: tuple[str, ...]

    def district(self, rng: random.Random) -> str:
        return rng.choice(self.districts)

    @property
    def place(self) -> str:
        """Province and city, as an address starts: 浙江省杭州市, 上海市."""
        city = f"{self.name}市"
        return city if self.province == city else f"{self.province}{city}"


REGIONS: dict[str, tuple[float, tuple[City, ...]]] = {
    "East": (30, (
        City("上海", "上海市", "200", ("浦东新区", "徐汇区", "静安区", "闵行区")),
        City("杭州", "浙江省", "310", ("西湖区", "上城区", "滨江区")),
        City("南京", "江苏省", "210", ("鼓楼区", "玄武区", "建邺区")),
        City("苏州", "江苏省", "215", ("姑苏区", "吴中区", "相城区")),
        City("宁波", "浙江省", "315", ("海曙区", "鄞州区", "江北区")),
        City("合肥", "安徽省", "230", ("蜀山区", "包河区", "庐阳区")),
        City("济南", "山东省", "250", ("历下区", "市中区", "槐荫区")),
        City("青岛", "山东省", "266", ("市南区", "市北区", "崂山区")),
        City("福州", "福建省", "350", ("鼓楼区", "台江区", "仓山区")),
        City("厦门", "福建省", "361", ("思明区", "湖里区", "集美区")),
        City("无锡", "江苏省", "214", ("梁溪区", "滨湖区", "新吴区")),
    )),
    "North": (16, (
        City("北京", "北京市", "100", ("朝阳区", "海淀区", "东城区", "丰台区")),
        City("天津", "天津市", "300", ("和平区", "河西区", "南开区", "滨海新区")),
        City("石家庄", "河北省", "050", ("长安区", "桥西区", "裕华区")),
        City("太原", "山西省", "030", ("迎泽区", "小店区", "杏花岭区")),
        City("呼和浩特", "内蒙古自治区", "010", ("新城区", "赛罕区", "回民区")),
        City("唐山", "河北省", "063", ("路北区", "路南区")),
    )),
    "South": (22, (
        City("广州", "广东省", "510", ("天河区", "越秀区", "海珠区", "白云区")),
        City("深圳", "广东省", "518", ("福田区", "南山区", "罗湖区", "宝安区")),
        City("佛山", "广东省", "528", ("禅城区", "南海区", "顺德区")),
        City("珠海", "广东省", "519", ("香洲区", "金湾区")),
        City("南宁", "广西壮族自治区", "530", ("青秀区", "兴宁区")),
        City("海口", "海南省", "570", ("龙华区", "美兰区")),
    )),
    "Central": (14, (
        City("武汉", "湖北省", "430", ("江岸区", "武昌区", "洪山区", "江汉区")),
        City("长沙", "湖南省", "410", ("岳麓区", "芙蓉区", "天心区")),
        City("郑州", "河南省", "450", ("金水区", "中原区", "二七区")),
        City("南昌", "江西省", "330", ("东湖区", "西湖区", "红谷滩区")),
        City("洛阳", "河南省", "471", ("老城区", "西工区")),
        City("宜昌", "湖北省", "443", ("西陵区", "伍家岗区")),
    )),
    "Southwest": (11, (
        City("成都", "四川省", "610", ("锦江区", "武侯区", "青羊区", "成华区")),
        City("重庆", "重庆市", "400", ("渝中区", "江北区", "渝北区", "南岸区")),
        City("昆明", "云南省", "650", ("五华区", "盘龙区", "官渡区")),
        City("贵阳", "贵州省", "550", ("云岩区", "南明区", "观山湖区")),
        City("绵阳", "四川省", "621", ("涪城区", "游仙区")),
    )),
    "Northeast": (7, (
        City("沈阳", "辽宁省", "110", ("和平区", "沈河区", "皇姑区")),
        City("大连", "辽宁省", "116", ("中山区", "西岗区", "沙河口区")),
        City("哈尔滨", "黑龙江省", "150", ("南岗区", "道里区", "香坊区")),
        City("长春", "吉林省", "130", ("朝阳区", "南关区", "宽城区")),
    )),
}  # fmt: skip

# A few customers across the border in the South; they are invoiced in CNY all the same.
OFFSHORE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("HK", "香港", ("九龙尖沙咀弥敦道", "湾仔轩尼诗道")),
    ("MO", "澳门", ("亚美打利庇卢大马路", "水坑尾街")),
)
OFFSHORE_SHARE = 0.03

# Account managers own regions; East is the biggest book and gets three.
MANAGERS: dict[str, tuple[str, ...]] = {
    "East": ("AM-01", "AM-02", "AM-03"),
    "South": ("AM-04", "AM-05"),
    "North": ("AM-06", "AM-07"),
    "Central": ("AM-08", "AM-09"),
    "Southwest": ("AM-10", "AM-11"),
    "Northeast": ("AM-12",),
}
UNASSIGNED_SHARE = 0.03

ROADS = (
    "中山", "人民", "解放", "建设", "和平", "新华", "长江", "黄河", "文化", "朝阳", "复兴", "延安",
    "东风", "幸福", "中兴", "金桥", "滨河", "工业", "商业", "开发",
)  # fmt: skip
ROAD_KINDS = ("路", "路", "路", "大道", "街", "东路", "西路")

# Trade names (字号) of the customers' companies.
BRANDS = (
    "华美", "嘉禾", "新悦", "永盛", "百姓", "美玲", "天虹", "瑞祥", "康健", "富利", "金辉", "好运",
    "龙腾", "民生", "安心", "易达", "恒泰", "顺发", "幸福", "东方", "华夏", "红星", "嘉园", "乐康",
    "美姿", "青城", "紫云", "粤海", "金源", "益信", "春晖", "兰亭", "喜美", "方圆", "百草", "润泽",
    "禾香", "新联", "天一", "明珠",
)  # fmt: skip

# The segment (the data's English key) and the endings of its customers' company names.
SEGMENT_NAMES: dict[str, tuple[str, ...]] = {
    "supermarket chain": ("连锁超市有限公司", "商业连锁有限公司", "超市有限公司"),
    "pharmacy": ("药房有限公司", "医药连锁有限公司", "大药房有限公司"),
    "beauty salon": ("美容院", "美容美体有限公司", "美容管理有限公司"),
    "department store": ("百货有限公司", "购物中心有限公司", "商业广场有限公司"),
    "convenience store": ("便利店有限公司", "便利连锁有限公司", "日用百货商店"),
    "online retailer": ("电子商务有限公司", "网络科技有限公司", "网上商贸有限公司"),
    "hotel": ("酒店有限公司", "酒店管理有限公司", "大酒店"),
}
SEGMENTS = tuple(SEGMENT_NAMES)

# Who buys big: chains, department stores and online retailers dominate the top of the book.
SEGMENT_WEIGHTS_BY_VALUE: dict[str, tuple[float, ...]] = {
    #        super  pharm  beauty dept   conv   online hotel
    "high": (35, 10, 2, 20, 5, 23, 5),
    "medium": (15, 20, 12, 15, 15, 13, 10),
    "low": (5, 20, 30, 5, 25, 8, 7),
}

# Typical order size (CNY, low and high end) per segment.
ORDER_SIZE: dict[str, tuple[float, float]] = {
    "supermarket chain": (20_000, 150_000),
    "pharmacy": (5_000, 40_000),
    "beauty salon": (2_000, 12_000),
    "department store": (15_000, 90_000),
    "convenience store": (3_000, 20_000),
    "online retailer": (10_000, 120_000),
    "hotel": (5_000, 35_000),
}


@dataclass(frozen=True)
class CategorySpec:
    prefix: str
    min_price: float
    max_price: float
    packs: tuple[int, ...]


CATEGORIES: dict[str, CategorySpec] = {
    "skincare": CategorySpec("SKN", 28, 220, (6, 12, 24)),
    "haircare": CategorySpec("HAI", 12, 75, (12, 24)),
    "cosmetics": CategorySpec("COS", 18, 160, (6, 12, 24)),
    "household": CategorySpec("HSH", 6, 45, (12, 24, 48)),
    "personal care": CategorySpec("PRC", 5, 40, (12, 24, 48)),
    "baby care": CategorySpec("BBY", 15, 130, (6, 12, 24)),
    "snacks": CategorySpec("SNK", 3, 28, (24, 48)),
    "beverages": CategorySpec("BEV", 2.5, 15, (24, 48)),
}
SKUS_PER_CATEGORY = 15

SEGMENT_CATEGORIES: dict[str, dict[str, float]] = {
    "supermarket chain": {
        "household": 3, "personal care": 3, "snacks": 3, "beverages": 3, "haircare": 2,
        "skincare": 1.5, "baby care": 1.5, "cosmetics": 1,
    },
    "pharmacy": {
        "personal care": 3, "baby care": 3, "skincare": 2.5, "haircare": 1, "household": 0.5,
    },
    "beauty salon": {"skincare": 4, "cosmetics": 3, "haircare": 2.5, "personal care": 1},
    "department store": {
        "skincare": 3, "cosmetics": 3, "haircare": 1.5, "baby care": 1.5, "personal care": 1,
    },
    "convenience store": {"snacks": 4, "beverages": 4, "personal care": 2, "household": 1.5},
    "online retailer": {
        "skincare": 3, "cosmetics": 2.5, "snacks": 2, "baby care": 2, "haircare": 1.5,
        "personal care": 1,
    },
    "hotel": {"personal care": 4, "household": 3, "beverages": 2.5, "snacks": 1.5, "haircare": 1},
}  # fmt: skip

CANCEL_REASONS = (
    "customer request",
    "duplicate order",
    "credit limit exceeded",
    "out of stock",
    "delivery date not acceptable",
)
RETURN_REASONS = (
    "damaged in transit",
    "near expiry date",
    "wrong item delivered",
    "quality issue",
    "overstock returned per agreement",
)

# Spring Festival (Chinese New Year) dates; outside the table a typical date is assumed.
CHINESE_NEW_YEAR: dict[int, date] = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
    2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}  # fmt: skip

# Customer profiles (shares of all customers); the rest are regular buyers over the whole year.
PROSPECT_SHARE = 0.05  # in the ERP, never ordered
LAPSED_SHARE = 0.04  # ordered only more than 9 months ago
NEWCOMER_SHARE = 0.04  # first order in the last 80 days
FADING_SHARE = 0.10  # of regular buyers: stopped ordering 45-200 days ago (at risk)

# Value bands of regular buyers, calibrated so that with prospects, lapsed and newcomers (mostly
# low) the whole book lands near 15% high / 50% medium / 35% low.
REGULAR_HIGH_SHARE = 0.165
REGULAR_MEDIUM_SHARE = 0.58
LOW_SPEND = (15_000.0, 300_000.0)
MEDIUM_SPEND = (300_000.0, 500_000.0)
# High spend: a truncated Pareto with a small alpha, a long tail of key accounts up to tens of
# millions, calibrated so that the top 20% of customers make about 80% of revenue.
HIGH_SPEND = (500_000.0, 30_000_000.0)
HIGH_SPEND_ALPHA = 0.2

CANCEL_RATE = 0.02
RETURN_RATE = 0.02


# --- seasonality ---------------------------------------------------------------------------------


def _spring_festival(year: int) -> date:
    return CHINESE_NEW_YEAR.get(year, date(year, 2, 5))


def season_factor(day: date) -> float:
    """Relative ordering activity on a (China local) day, ignoring the weekday."""
    factor = 1.0
    for festival in (_spring_festival(day.year), _spring_festival(day.year + 1)):
        until = (festival - day).days
        if 1 <= until <= 30:
            factor *= 2.2  # shops stock up for the Spring Festival
        elif -6 <= until <= 0:
            factor *= 0.25  # the holiday week: warehouses and shops are shut
    if (day.month == 10 and day.day >= 15) or (day.month == 11 and day.day <= 11):
        factor *= 1.9  # Double Eleven (11.11) stocking
    elif day.month == 6 and day.day <= 18:
        factor *= 1.3  # the 618 mid-year shopping festival
    if day.month in (7, 8):
        factor *= 0.7  # summer dip
    return factor


WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 0.9, 0.35, 0.2)
# Local hours 08:00-19:00: a morning peak and an afternoon peak.
HOURS = tuple(range(8, 20))
HOUR_WEIGHTS = (2, 6, 8, 8, 5, 3, 6, 8, 7, 5, 2, 1)


@dataclass(frozen=True)
class _Calendar:
    """Local days of the window with their cumulative ordering weights."""

    days: list[date]
    cumulative: list[float]

    @classmethod
    def build(cls, start: datetime, end: datetime) -> "_Calendar":
        first = start.astimezone(CHINA_TZ).date()
        last = end.astimezone(CHINA_TZ).date()
        days: list[date] = []
        cumulative: list[float] = []
        total = 0.0
        day = first
        while day <= last:
            total += season_factor(day) * WEEKDAY_FACTOR[day.weekday()]
            days.append(day)
            cumulative.append(total)
            day += timedelta(days=1)
        return cls(days, cumulative)

    def days_between(self, lo: datetime, hi: datetime) -> "_Calendar":
        """The part of the calendar from lo's local day to hi's local day."""
        first = bisect.bisect_left(self.days, lo.astimezone(CHINA_TZ).date())
        last = bisect.bisect_right(self.days, hi.astimezone(CHINA_TZ).date())
        before = self.cumulative[first - 1] if first > 0 else 0.0
        return _Calendar(self.days[first:last], [c - before for c in self.cumulative[first:last]])

    def day_at(self, u: float) -> date:
        """The day at quantile u in [0, 1) of the weighted calendar."""
        index = bisect.bisect_right(self.cumulative, u * self.cumulative[-1])
        return self.days[min(index, len(self.days) - 1)]


def _time_on(rng: random.Random, day: date, lo: datetime, hi: datetime) -> datetime:
    """A business-hours moment on a local day, kept inside (lo, hi]."""
    for _ in range(20):
        hour = rng.choices(HOURS, HOUR_WEIGHTS)[0]
        local = datetime(
            day.year,
            day.month,
            day.day,
            hour,
            rng.randrange(60),
            rng.randrange(60),
            tzinfo=CHINA_TZ,
        )
        moment = local.astimezone(UTC)
        if lo < moment <= hi:
            return moment
    # A boundary day whose business hours fall outside the window: clamp rather than move days.
    return min(max(moment, lo + timedelta(minutes=1)), hi)


# --- catalog -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sku:
    sku: str
    category: str
    list_price: Decimal
    pack: int


@lru_cache(maxsize=1)
def catalog() -> dict[str, tuple[Sku, ...]]:
    """The distributor's catalog per category; the same for every seed."""
    rng = random.Random("rapport-demo/catalog")
    result: dict[str, tuple[Sku, ...]] = {}
    for category, spec in CATEGORIES.items():
        skus = []
        for i in range(SKUS_PER_CATEGORY):
            price = math.exp(rng.uniform(math.log(spec.min_price), math.log(spec.max_price)))
            skus.append(
                Sku(
                    sku=f"{spec.prefix}-{101 + i}",
                    category=category,
                    list_price=Decimal(f"{price:.1f}0"),
                    pack=rng.choice(spec.packs),
                )
            )
        result[category] = tuple(skus)
    return result


# --- customers and orders ------------------------------------------------------------------------


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _truncated_pareto(rng: random.Random, lo: float, hi: float, alpha: float) -> float:
    # Inverse CDF of a Pareto(alpha) on [lo, hi].
    tail = 1.0 - (lo / hi) ** alpha
    return lo / (1.0 - rng.random() * tail) ** (1.0 / alpha)


@dataclass
class _Plan:
    """What one customer will look like before events are built."""

    profile: str  # prospect, lapsed, newcomer, regular
    value_band: str  # the band the spend was drawn from
    spend: float  # target revenue over the window
    order_count: int
    segment: str
    active_from: datetime
    active_to: datetime


def _plan(rng: random.Random, as_of: datetime) -> _Plan:
    start = as_of - WINDOW
    draw = rng.random()
    if draw < PROSPECT_SHARE:
        return _Plan("prospect", "low", 0.0, 0, _segment(rng, "low"), start, as_of)
    if draw < PROSPECT_SHARE + LAPSED_SHARE:
        spend = _log_uniform(rng, 10_000, 200_000)
        return _Plan(
            "lapsed",
            "low",
            spend,
            rng.randint(1, 3),
            _segment(rng, "low"),
            start,
            as_of - timedelta(days=280),
        )
    if draw < PROSPECT_SHARE + LAPSED_SHARE + NEWCOMER_SHARE:
        spend = _log_uniform(rng, 30_000, 450_000)
        band = "medium" if spend >= MEDIUM_SPEND[0] else "low"
        return _Plan(
            "newcomer",
            band,
            spend,
            rng.randint(1, 4),
            _segment(rng, band),
            as_of - timedelta(days=80),
            as_of,
        )

    band_draw = rng.random()
    if band_draw < REGULAR_HIGH_SHARE:
        band = "high"
        spend = _truncated_pareto(rng, *HIGH_SPEND, HIGH_SPEND_ALPHA)
    elif band_draw < REGULAR_HIGH_SHARE + REGULAR_MEDIUM_SHARE:
        band = "medium"
        spend = _log_uniform(rng, *MEDIUM_SPEND)
    else:
        band = "low"
        spend = _log_uniform(rng, *LOW_SPEND)
    segment = _segment(rng, band)
    active_to = as_of
    if rng.random() < FADING_SHARE:
        active_to = as_of - timedelta(days=rng.uniform(45, 200))

    # Frequency: most regular buyers reorder often; big accounts always do.
    typical_order = _log_uniform(rng, *ORDER_SIZE[segment])
    by_size = round(spend / typical_order)
    freq_draw = rng.random()
    if spend > 2_000_000 or freq_draw < 0.65:
        count = min(max(by_size, 5), 52)
    elif freq_draw < 0.85:
        count = rng.randint(3, 4)
    else:
        count = rng.randint(1, 2)
    return _Plan("regular", band, spend, count, segment, start, active_to)


def _segment(rng: random.Random, band: str) -> str:
    return rng.choices(SEGMENTS, SEGMENT_WEIGHTS_BY_VALUE[band])[0]


def _customer(
    rng: random.Random, customer_id: str, plan: _Plan, updated_at: datetime, used_names: set[str]
) -> CustomerUpserted:
    if rng.random() < OFFSHORE_SHARE:
        country, city_name, streets = rng.choice(OFFSHORE)
        region = "South"
        address = f"{city_name}{rng.choice(streets)}{rng.randint(1, 300)}号"
    else:
        country = "CN"
        names = list(REGIONS)
        region = rng.choices(names, [REGIONS[r][0] for r in names])[0]
        city = rng.choice(REGIONS[region][1])
        city_name = city.name
        postcode = f"{city.postcode}0{rng.randint(0, 99):02d}"
        road = f"{rng.choice(ROADS)}{rng.choice(ROAD_KINDS)}"
        number = rng.randint(1, 999)
        # 浙江省杭州市西湖区文化路123号 邮编310012: from the province down, as written in China.
        address = f"{city.place}{city.district(rng)}{road}{number}号 邮编{postcode}"
    name = ""
    for _ in range(20):
        name = f"{city_name}{rng.choice(BRANDS)}{rng.choice(SEGMENT_NAMES[plan.segment])}"
        if name not in used_names:
            break
    else:
        name = f"{name}（{customer_id.rsplit('-', 1)[-1]}）"  # noqa: RUF001
    used_names.add(name)
    manager = None if rng.random() < UNASSIGNED_SHARE else rng.choice(MANAGERS[region])
    return CustomerUpserted(
        customer_id=customer_id,
        name=name,
        region=region,
        country=country,
        segment=plan.segment,
        address=address,
        account_manager=manager,
        updated_at=updated_at,
    )


def _lines(
    rng: random.Random,
    target: float,
    favourites: Sequence[str],
    weights: Sequence[float],
    discount: Decimal,
) -> list[OrderLine]:
    count = rng.choices((1, 2, 3, 4, 5, 6), (10, 18, 22, 20, 16, 14))[0]
    chosen: dict[str, Sku] = {}
    while len(chosen) < count:
        category = rng.choices(favourites, weights)[0]
        sku = rng.choice(catalog()[category])
        chosen[sku.sku] = sku
    shares = [rng.uniform(0.5, 1.5) for _ in chosen]
    lines = []
    for sku, share in zip(chosen.values(), shares, strict=True):
        unit_price = (sku.list_price * (1 - discount)).quantize(CENT, ROUND_HALF_UP)
        line_target = target * share / sum(shares)
        # Wholesale quantities come in whole cases.
        cases = max(1, round(line_target / (float(unit_price) * sku.pack)))
        lines.append(
            OrderLine(
                sku=sku.sku, category=sku.category, quantity=cases * sku.pack, unit_price=unit_price
            )
        )
    return lines


def _orders(
    rng: random.Random,
    customer: CustomerUpserted,
    plan: _Plan,
    calendar: _Calendar,
    as_of: datetime,
) -> list[OrderEvent]:
    if plan.order_count == 0:
        return []
    segment_weights = SEGMENT_CATEGORIES[plan.segment]
    favourites = rng.sample(list(segment_weights), k=min(len(segment_weights), rng.randint(3, 5)))
    weights = [segment_weights[c] for c in favourites]
    # Bigger accounts negotiate bigger discounts off list price (in half percents).
    max_discount = {"high": 30, "medium": 20, "low": 12}[plan.value_band]
    discount = Decimal(rng.randint(0, max_discount)) / 200

    days = calendar.days_between(plan.active_from, plan.active_to)
    n = plan.order_count
    # Stratified quantiles: repeat buyers order at a rhythm that follows the season.
    moments = sorted(
        _time_on(rng, days.day_at((j + rng.random()) / n), plan.active_from, plan.active_to)
        for j in range(n)
    )
    sizes = [
        rng.lognormvariate(0, 0.4) * math.sqrt(season_factor(m.astimezone(CHINA_TZ).date()))
        for m in moments
    ]
    events: list[OrderEvent] = []
    for k, (placed_at, size) in enumerate(zip(moments, sizes, strict=True), start=1):
        local_day = placed_at.astimezone(CHINA_TZ).date()
        order_id = f"SO-{local_day:%Y%m%d}-{customer.customer_id.removeprefix('C-')}-{k:02d}"
        lines = _lines(rng, plan.spend * size / sum(sizes), favourites, weights, discount)
        total = sum((line.quantity * line.unit_price for line in lines), Decimal("0.00"))
        order = OrderPlaced(
            order_id=order_id,
            customer_id=customer.customer_id,
            placed_at=placed_at,
            currency=CURRENCY,
            total=total,
            lines=lines,
        )
        events.append(order)
        events.extend(_after_sale(rng, order, as_of))
    return events


def _after_sale(rng: random.Random, order: OrderPlaced, as_of: datetime) -> list[OrderEvent]:
    """Maybe a cancellation (hours to days later) or a partial return (days later)."""
    draw = rng.random()
    if draw < CANCEL_RATE:
        cancelled_at = order.placed_at + timedelta(seconds=rng.randint(2 * 3600, 72 * 3600))
        if cancelled_at <= as_of:
            return [
                OrderCancelled(
                    order_id=order.order_id,
                    customer_id=order.customer_id,
                    cancelled_at=cancelled_at,
                    reason=rng.choice(CANCEL_REASONS),
                )
            ]
    elif draw < CANCEL_RATE + RETURN_RATE:
        returned_at = order.placed_at + timedelta(seconds=rng.randint(3 * 86400, 21 * 86400))
        line = rng.choice(order.lines)
        quantity = max(1, int(line.quantity * rng.uniform(0.05, 0.5)))
        amount = quantity * line.unit_price
        if returned_at <= as_of and Decimal(0) < amount < order.total:
            return [
                OrderReturned(
                    order_id=order.order_id,
                    customer_id=order.customer_id,
                    returned_at=returned_at,
                    amount=amount,
                    currency=CURRENCY,
                    reason=rng.choice(RETURN_REASONS),
                )
            ]
    return []


def _updated_at(rng: random.Random, plan: _Plan, as_of: datetime) -> datetime:
    """When the master record last changed: before the first order for newcomers."""
    if plan.profile == "prospect":
        days = rng.uniform(1, 120)
    elif plan.profile == "newcomer":
        days = (as_of - plan.active_from).days + rng.uniform(1, 10)
    else:
        days = rng.uniform(30, 900)
    return (as_of - timedelta(days=days)).replace(microsecond=0)


def _event_order(event: OrderEvent) -> tuple[datetime, int, str]:
    rank = 0 if isinstance(event, OrderPlaced) else 1
    return (event_time(event), rank, event.order_id)


def generate(customers: int, as_of: datetime, seed: int, id_prefix: str = "C-") -> DemoData:
    """Customers C-1001, C-1002, ... and their orders in the 365 days ending at `as_of`.

    Another `id_prefix` gives a data set whose ids collide with no other (tests).
    """
    if customers < 0:
        raise ValueError("customers must not be negative")
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    as_of = as_of.astimezone(UTC)
    calendar = _Calendar.build(as_of - WINDOW, as_of)
    used_names: set[str] = set()
    customer_events: list[CustomerUpserted] = []
    order_events: list[OrderEvent] = []
    for index in range(customers):
        # One stream per customer: adding customers never changes the earlier ones.
        rng = random.Random(f"rapport-demo/{seed}/{index}")
        plan = _plan(rng, as_of)
        customer = _customer(
            rng, f"{id_prefix}{1001 + index}", plan, _updated_at(rng, plan, as_of), used_names
        )
        customer_events.append(customer)
        order_events.extend(_orders(rng, customer, plan, calendar, as_of))
    order_events.sort(key=_event_order)
    return DemoData(seed=seed, as_of=as_of, customers=customer_events, order_events=order_events)
