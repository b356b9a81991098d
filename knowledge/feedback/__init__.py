"""Citizens' feedback (phản ánh, kiến nghị): intake, tracking codes, officials' handling.

The phone numbers and masking it needs live in :mod:`knowledge.shared.phones` and
:mod:`knowledge.shared.privacy` (the dossier answers mask names too); they are re-exported here."""

from knowledge.feedback.codes import (
    feedback_code,
    find_feedback_code,
    new_feedback_code,
    normalize_feedback_code,
)
from knowledge.feedback.models import CATEGORIES, CONTENT_MAX, STATUSES, Feedback
from knowledge.feedback.service import (
    FeedbackDraft,
    FeedbackError,
    FeedbackItem,
    FeedbackNotFound,
    FeedbackNotSaved,
    FeedbackReply,
    FeedbackService,
    FeedbackStatus,
    FeedbackStoreError,
    InvalidFeedback,
    PhoneCheckFailed,
    PhoneCheckNeeded,
    TooManyTries,
    validate_draft,
)
from knowledge.shared.phones import PhoneSpan, find_phone, normalize_phone, phone_spans
from knowledge.shared.privacy import PhoneMaskingFilter, mask_name, mask_phone, mask_phones_in_text

__all__ = [
    "CATEGORIES",
    "CONTENT_MAX",
    "STATUSES",
    "Feedback",
    "FeedbackDraft",
    "FeedbackError",
    "FeedbackItem",
    "FeedbackNotFound",
    "FeedbackNotSaved",
    "FeedbackReply",
    "FeedbackService",
    "FeedbackStatus",
    "FeedbackStoreError",
    "InvalidFeedback",
    "PhoneCheckFailed",
    "PhoneCheckNeeded",
    "PhoneMaskingFilter",
    "PhoneSpan",
    "TooManyTries",
    "feedback_code",
    "find_feedback_code",
    "find_phone",
    "mask_name",
    "mask_phone",
    "mask_phones_in_text",
    "new_feedback_code",
    "normalize_feedback_code",
    "normalize_phone",
    "phone_spans",
    "validate_draft",
]
