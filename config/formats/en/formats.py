"""The English interface writes and reads dates as the Vietnamese one does (see ``vi``)."""

from config.formats.vi.formats import *  # noqa: F403
