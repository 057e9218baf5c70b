"""Developer laptop and `make run`: debug on, embedded defaults, a fixed dev key."""

from .base import *  # noqa: F403
from .base import env, require_deploy_settings

DEBUG = env.bool("DEBUG", default=True)
# The fixed key is only for DEBUG; with DEBUG off the environment must supply one.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-0d6f2b8e1c7a4b39" if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
require_deploy_settings(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The demo's headteacher and trust leader sign in with a password alone on `make run`;
# set TWO_FACTOR_REQUIRED_ROLES=headteacher,trust_leader to try the production rule.
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[])

# --- Absences ------------------------------------------------------------------------------
# Emails (parents' sign-in links included) are kept in the database and shown on the
# staff-only outbox page (/outbox/, DEBUG only), so the parent flow works on one machine.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="absences.mail.OutboxBackend")
