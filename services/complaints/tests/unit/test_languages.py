"""Complaints' own words in both languages: countdowns, clock targets, labels, weekday names and a
domain refusal's message (its code stays)."""

from datetime import UTC, datetime

import pytest

from chassis import i18n
from complaints.domain.calendar import WALL_TIME
from complaints.domain.clocks import SlaClock
from complaints.domain.errors import ClockRefused
from complaints.domain.policy import ClockTarget
from complaints.ui.labels import LABELS, label, rule_value, weekday_name
from complaints.ui.pages import countdown_filter

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "seconds", "shown"),
    [
        (i18n.ENGLISH, 7500, "2 h 05 min"),
        (i18n.CHINESE, 7500, "2 小时 5 分"),
        (i18n.ENGLISH, -190, "-3 min 10 s"),
        (i18n.CHINESE, -190, "-3 分 10 秒"),
        (i18n.ENGLISH, 2 * 86400 + 3 * 3600, "2 d 3 h"),
        (i18n.CHINESE, 2 * 86400 + 3 * 3600, "2 天 3 小时"),
        (i18n.CHINESE, None, "—"),
    ],
)
def test_the_countdown_speaks_the_page_s_language(
    language: i18n.Language, seconds: float | None, shown: str
) -> None:
    with i18n.speaking(language):
        assert countdown_filter(seconds) == shown


def test_a_clock_target_is_described_in_the_reader_s_language() -> None:
    target = ClockTarget(1, "working_days", calendar="default", pausable=True)
    assert target.describe() == "1 working day of calendar default, pausable"
    assert ClockTarget(15, "minutes").describe() == "15 minutes (wall time)"
    with i18n.speaking(i18n.CHINESE):
        assert target.describe() == "1 个工作日（按日历 default），可暂停"  # noqa: RUF001
        assert ClockTarget(15, "minutes").describe() == "15 分钟（自然时间）"  # noqa: RUF001


def test_every_label_has_its_chinese_and_an_unknown_value_shows_as_itself() -> None:
    with i18n.speaking(i18n.CHINESE):
        untranslated = [
            (kind, value)
            for kind, labels in LABELS.items()
            for value in labels
            if label(kind, value) == labels[value] and labels[value] != "VIP"
        ]
        assert untranslated == []
        assert label("status", "solution_proposed") == "已提出方案"
        assert label("clock", "a_new_clock") == "a new clock"
        assert rule_value("vip", True) == "是" and rule_value("tier", "high") == "高"
        assert weekday_name("monday") == "星期一"
    assert weekday_name("sunday") == "Sunday"


def test_a_domain_refusal_s_message_follows_the_language_and_keeps_its_code() -> None:
    clock = SlaClock(name="respond", target=ClockTarget(15, "minutes"), thresholds=(75, 90))
    with pytest.raises(ClockRefused) as english:
        clock.pause(T0, "waiting", WALL_TIME)
    with i18n.speaking(i18n.CHINESE), pytest.raises(ClockRefused) as chinese:
        clock.pause(T0, "waiting", WALL_TIME)
    assert english.value.message == "the respond clock cannot be paused"
    assert chinese.value.message == "响应时限不能暂停"
    assert chinese.value.code == english.value.code == "clock_not_pausable"
