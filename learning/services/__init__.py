"""Writes owned by learning, one module per part: ``courses`` (courses, modules, lessons), ``enrollments``
(prerequisites, self-enrolment, assignments), ``progress`` (lessons opened, time, completion), ``certificates``,
``notifications`` (notifications, reminders, digests, recertification) and ``counts`` (report count tables).

Other apps call `lesson_progress_complete` (quizzes, when an attempt passes). Every function is keyword-only;
every public name is re-exported here, so callers use ``learning.services.<name>``.
"""

from learning.services.certificates import (
    certificate_issue,
    certificate_revoke,
)
from learning.services.common import (
    DUE_SOON_DAYS,
    LearningError,
    LessonLocked,
    MAX_HEARTBEAT_SECONDS,
    RECERTIFY_LEAD_DAYS,
)
from learning.services.counts import (
    enrollment_counts_refresh,
    officer_enrollments_follow,
)
from learning.services.courses import (
    COURSE_FIELDS,
    LESSON_FIELDS,
    course_co_trainer_add,
    course_co_trainer_remove,
    course_create,
    course_duplicate,
    course_image_add,
    course_publish,
    course_publish_problems,
    course_refresh_progress,
    course_unpublish,
    course_update,
    lesson_move,
    lesson_remove,
    lesson_save,
    module_save,
)
from learning.services.enrollments import (
    assignment_create,
    assignment_deactivate,
    assignment_sync_enrollments,
    enrollment_self_enroll,
    enrollment_unenroll,
    prerequisites_message,
)
from learning.services.notifications import (
    enrollment_recertify_due,
    manager_digests_send,
    notification_mark_read,
    notification_send,
    notifications_email_pending,
    reminders_send,
)
from learning.services.progress import (
    enrollment_complete_by_trainer,
    enrollment_evaluate,
    lesson_file_downloaded,
    lesson_heartbeat,
    lesson_open,
    lesson_progress_complete,
    lesson_progress_mark_by_trainer,
    lesson_time_add,
    lesson_video_progress,
)


__all__ = [
    "COURSE_FIELDS",
    "DUE_SOON_DAYS",
    "LESSON_FIELDS",
    "LearningError",
    "LessonLocked",
    "MAX_HEARTBEAT_SECONDS",
    "RECERTIFY_LEAD_DAYS",
    "assignment_create",
    "assignment_deactivate",
    "assignment_sync_enrollments",
    "certificate_issue",
    "certificate_revoke",
    "course_co_trainer_add",
    "course_co_trainer_remove",
    "course_create",
    "course_duplicate",
    "course_image_add",
    "course_publish",
    "course_publish_problems",
    "course_refresh_progress",
    "course_unpublish",
    "course_update",
    "enrollment_counts_refresh",
    "enrollment_complete_by_trainer",
    "enrollment_evaluate",
    "enrollment_recertify_due",
    "enrollment_self_enroll",
    "enrollment_unenroll",
    "lesson_file_downloaded",
    "lesson_heartbeat",
    "lesson_move",
    "lesson_open",
    "lesson_progress_complete",
    "lesson_progress_mark_by_trainer",
    "lesson_remove",
    "lesson_save",
    "lesson_time_add",
    "lesson_video_progress",
    "manager_digests_send",
    "module_save",
    "notification_mark_read",
    "notification_send", "notifications_email_pending",
    "officer_enrollments_follow",
    "prerequisites_message",
    "reminders_send",
]
