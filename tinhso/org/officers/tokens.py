"""The activation link of a new officer's account: single-use and expiring, with no table.

Django's password-reset token generator signs the account's id, its password hash and last
login with the secret key and a timestamp, under a salt of our own (a reset token is no
activation token and back): once the officer sets a password the hash changes and the link is
dead (single use); after ``PASSWORD_RESET_TIMEOUT`` (three days by default) it has expired. The
token is never stored: the sending task makes it from the account when it sends.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import Person


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tinhso.org.officers.activation"


activation_tokens = ActivationTokenGenerator()


def activation_path(person: Person) -> str:
    """The path of ``person``'s activation page, with a fresh token."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return reverse("org:officer_activate", kwargs={"uidb64": uid, "token": activation_tokens.make_token(person)})
