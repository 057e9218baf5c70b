"""The REST API's core: token authentication, per-school access, throttling, idempotent
writes, and the register's endpoints. Other apps add their endpoints in their own `api`
package; `attendance_project/api_urls.py` assembles them under `/api/v1/`."""
