"""In-app notifications, kept with the people so that every app can use them.

An app registers the kinds of notification it sends (:mod:`.kinds`) and calls
:func:`.services.notify` where something happens to someone; the person finds it in the list
under the bell of the header and chooses, per kind, the channels it also comes by (e-mail, SMS)
unless the law requires one.
"""
