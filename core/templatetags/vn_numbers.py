"""Numbers and money written the Vietnamese way: 320.000.000 đ, 12,5 %. `{% load vn_numbers %}`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def format_number(value, decimals: int = 0) -> str:  # noqa: ANN001
    """"320000000" → "320.000.000"; with `decimals`, "12.5" → "12,5" (dot groups thousands, comma
    separates decimals). Anything that is not a number comes back unchanged, None as ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = f"{number:,.{decimals}f}"  # "320,000,000.50"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter(name="vn_number")
def vn_number(value, decimals: int = 0) -> str:  # noqa: ANN001
    return format_number(value, int(decimals))


@register.filter(name="vn_money")
def vn_money(value) -> str:  # noqa: ANN001
    """Đồng, no decimals: "320.000.000 đ" (a no-break space keeps the unit with the number)."""
    text = format_number(value, 0)
    return f"{text}\u00a0đ" if text else ""
