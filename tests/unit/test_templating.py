from datetime import UTC, datetime, timedelta

import pytest

from yumroad.templating import format_date_and_time, relative_time, time_ago, timestamp

NOW = datetime(2026, 3, 12, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=59, seconds=59), "59 minutes ago"),
        (timedelta(hours=3, minutes=10), "3 hours ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=6, hours=23), "6 days ago"),
        (timedelta(days=7), "March 5, 2026"),  # from a week back, the date says more
        (timedelta(days=-2), "March 14, 2026"),  # a moment to come is not "ago"
    ],
)
def test_relative_times(ago, shown):
    assert relative_time(NOW - ago, now=NOW) == shown


def test_a_timestamp_is_an_absolute_date_in_a_time_element():
    moment = datetime(2026, 3, 5, 9, 7, 30, 123456, tzinfo=UTC)
    assert str(timestamp(moment)) == '<time datetime="2026-03-05T09:07:30+00:00">March 5, 2026</time>'
    assert str(timestamp(moment, relative=True)) == (
        '<time datetime="2026-03-05T09:07:30+00:00" data-relative="">March 5, 2026</time>'
    )
    assert str(timestamp(None)) == ""


def test_a_relative_time_keeps_the_whole_moment_in_its_title():
    moment = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    html = str(time_ago(moment))
    assert ">2 hours ago</time>" in html
    assert f'title="{format_date_and_time(moment)}"' in html
    assert format_date_and_time(datetime(2026, 3, 5, 9, 7, tzinfo=UTC)) == "March 5, 2026 at 09:07 UTC"
    assert str(time_ago(None)) == ""
