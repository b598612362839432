"""The fixed credentials `--sandbox` and `contactctl sandbox` use, keyed like the config's
provider blocks, so they can be merged into a provider's settings as they are."""

from __future__ import annotations

SANDBOX_CREDENTIALS: dict[str, dict[str, str]] = {
    "octopush": {"api_login": "sandbox@example.com", "api_key": "sandbox-octopush-key"},
    "shoutout": {"api_key": "sandbox.shoutout.key"},
    "callbell": {"api_token": "sandbox-callbell-token"},
    "pabbly": {"api_key": "sandbox-pabbly-key"},
    "ivvy": {"api_key": "sandbox-ivvy-key", "api_secret": "sandbox-ivvy-secret"},
}
