"""Citizens' and businesses' accounts: registration and password reset confirmed by a one-time
code sent by SMS or e-mail, sign-in through an OpenID Connect provider (the national identity
and public-service portals), the consent given at registration, and the proof of a personal id
that links an account to the dossiers filed under it."""
