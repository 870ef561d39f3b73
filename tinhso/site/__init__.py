"""The site: what belongs to no domain (the home page, /healthz, the navigation bar) and the
jobs that cut across apps (the storage sweep). The top layer: it may import any app, and it
wires the apps' registries together at start-up (:class:`tinhso.site.apps.SiteConfig`)."""
