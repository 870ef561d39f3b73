"""Django's makemessages, also collecting ``_lazy(...)``: modules that need both the eager and
the lazy gettext import the lazy one as ``_lazy``."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_lazy"]
