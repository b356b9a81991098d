"""Everything this channel assumes about Zalo's Official Account platform, in one place.

Read from Zalo's published documentation as quoted by third parties (developers.zalo.me itself
was not reachable from where this was written) and from open-source clients that run against
the live API. Each fact says how sure it is; those marked UNCONFIRMED are listed in the README
("Zalo: details not confirmed") and are the first to check against a real OA.
"""

from __future__ import annotations

# --- Official Account API (v3) ------------------------------------------------------------------
OPENAPI_BASE = "https://openapi.zalo.me"
# Customer-service ("tư vấn") message: the reply to a user who wrote within the last 7 days.
SEND_PATH = "/v3.0/oa/message/cs"
ACCESS_TOKEN_HEADER = "access_token"  # the OA access token travels in this header, not Bearer

OAUTH_BASE = "https://oauth.zaloapp.com"
# POST, form-encoded: refresh_token, app_id, grant_type=refresh_token; the app's secret key in
# the "secret_key" header. Answer: access_token, refresh_token (single-use: a new one every
# time), expires_in (seconds, as a string; 90000 = 25 hours in every example seen).
TOKEN_PATH = "/v4/oa/access_token"
APP_SECRET_HEADER = "secret_key"
# Refresh this long before the access token expires (it lives about 25 hours).
REFRESH_MARGIN_S = 3600.0

# Answers carry {"error": <int>, "message": "..."}; 0 is success (HTTP status is 200 either way).
ERROR_OK = 0
ERROR_RATE_LIMIT = -32  # "Your application reached limit call api"
ERROR_QUOTA = -211  # out of quota: waiting does not help within the same minute, not retried
ERROR_TOKEN_INVALID = -216
ERROR_TOKEN_EXPIRED = -220
TOKEN_ERRORS = frozenset({ERROR_TOKEN_INVALID, ERROR_TOKEN_EXPIRED})
# The user cannot be written to: never followed / blocked / outside the 7-day window / banned.
UNREACHABLE_USER_ERRORS = frozenset({-213, -227, -230, -232, -244})

# --- limits of a customer-service message --------------------------------------------------------
# Longer texts are refused with -210 (reported by a client running against the live API), not
# cut. Counted here in UTF-16 code units, never fewer than Zalo's characters.
TEXT_LIMIT = 2000
BUTTONS_PER_MESSAGE = 5  # UNCONFIRMED: the limit open-source clients apply
BUTTON_TITLE_LIMIT = 100  # UNCONFIRMED: as above
BUTTON_PAYLOAD_LIMIT = 1000  # UNCONFIRMED: as above
# A button that sends its payload back as if the user had typed it (a user_send_text event).
# "oa.query.hide" keeps the payload (a Rasa command such as /choose_task{...}) out of the chat;
# the channel shows "Anh/chị đã chọn: <title>" instead. UNCONFIRMED: that a hidden query comes
# back as user_send_text like a shown one ("oa.query.show") is documented to.
BUTTON_TYPE = "oa.query.hide"
# UNCONFIRMED: whether a text message with buttons needs "template_type" in its payload. Clients
# running against the live API send {"text": ..., "attachment": {"type": "template", "payload":
# {"buttons": [...]}}} without it; None keeps it out.
BUTTONS_TEMPLATE_TYPE: str | None = None

# --- webhook ------------------------------------------------------------------------------------
SIGNATURE_HEADER = "X-ZEvent-Signature"
# The signature is hex SHA-256 (a plain hash, not an HMAC) of app id + the raw body + the
# event's "timestamp" field + the OA secret key, in this order. UNCONFIRMED: some clients see
# the header as "mac=<hex>", others as "<hex>"; both are accepted.
SIGNATURE_PREFIX = "mac="
# Zalo wants 200 within 2 seconds, and retries a failed delivery after about 30 s, 5 min,
# 15 min, 30 min and 1 h before disabling the webhook.
RETRY_SPAN_S = 2 * 3600.0
# Event timestamps are milliseconds since the epoch, as a string or a number.
TIMESTAMP_UNIT_S = 0.001

USER_SEND_TEXT = "user_send_text"
USER_SEND_IMAGE = "user_send_image"
USER_SEND_FILE = "user_send_file"
# Other user_send_* events (sticker, gif, audio, video, location, business card): answered with
# a request to type. Everything else (follow, seen, OA's own messages) is acknowledged and
# ignored.
USER_SEND_PREFIX = "user_send_"
