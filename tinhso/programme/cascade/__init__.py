"""Plans that cascade: a commune's or a department's yearly plan derived from the province's
scheme (``services``), its progress rolled up to the scheme and the DX office's view of which
communes have a plan, have reported and are late (``selectors``, ``views``)."""
