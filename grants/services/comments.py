"""Internal comments on applications, written by program staff."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import Application, CommentVisibility, StaffComment
from grants.roles import is_program_staff

from .audit import audit_record


@transaction.atomic
def staff_comment_add(
    *, application: Application, actor, body: str, visibility: str = CommentVisibility.STAFF
) -> StaffComment:
    """Add an internal comment. It is for program staff only unless shared with the
    application's review panel; applicants never see it."""
    if not is_program_staff(actor):
        raise ValidationError("Only program staff write internal comments.")
    comment = StaffComment(
        application=application, author=actor, body=body.strip(), visibility=visibility
    )
    if not comment.body:
        raise ValidationError({"body": "Write the comment."})
    comment.full_clean()
    comment.save()
    audit_record(actor=actor, action="comment.added", obj=comment, after={"visibility": visibility})
    return comment


@transaction.atomic
def staff_comment_edit(*, comment: StaffComment, actor, body: str) -> StaffComment:
    """Change a comment's text (its author only). Who may read it does not change."""
    comment = StaffComment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != actor.pk or not is_program_staff(actor):
        raise ValidationError("Only the comment's author edits it.")
    if not body.strip():
        raise ValidationError({"body": "Write the comment."})
    before = comment.body
    comment.body = body.strip()
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    audit_record(
        actor=actor,
        action="comment.edited",
        obj=comment,
        before={"body": before},
        after={"body": comment.body, "visibility": comment.visibility},
    )
    return comment
