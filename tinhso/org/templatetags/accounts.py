"""``{% oidc_provider as oidc %}``: the identity provider's name when sign-in through it is
configured, else None (the login form shows its button only then)."""

from __future__ import annotations

from django import template

from tinhso.org.accounts.oidc import oidc_enabled, provider_name

register = template.Library()


@register.simple_tag
def oidc_provider() -> str | None:
    return provider_name() if oidc_enabled() else None
