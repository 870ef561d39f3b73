"""Delegations (ủy quyền): a leader lends some or all of their roles on an agency to a named
person for a period; acts done under one record both people, and documents signed under one say
"KT." or "TUQ." (Decree 30/2020/NĐ-CP, art. 13). The models are in :mod:`tinhso.org.models`;
how a lent role counts in every permission check is :mod:`tinhso.org.access`."""
