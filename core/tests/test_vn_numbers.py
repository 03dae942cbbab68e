"""Numbers and money the Vietnamese way (core/templatetags/vn_numbers.py)."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template

from core.templatetags.vn_numbers import format_number, vn_money


def test_thousands_are_grouped_with_dots_and_decimals_take_a_comma():
    assert format_number(320000000) == "320.000.000"
    assert format_number(Decimal("1234567.5"), 1) == "1.234.567,5"
    assert format_number(-1500) == "-1.500"
    assert format_number(999) == "999"
    assert format_number(None) == "" and format_number("n/a") == "n/a"


def test_money_is_in_dong_with_the_unit_kept_on_the_line():
    assert vn_money(Decimal("320000000")) == "320.000.000\u00a0đ"
    rendered = Template("{% load vn_numbers %}{{ v|vn_money }} · {{ n|vn_number:2 }}").render(
        Context({"v": 5000, "n": 12.5}))
    assert rendered == "5.000\u00a0đ · 12,50"
