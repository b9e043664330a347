"""Sign-ins are part of the audit trail."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="grants_audit_login")
def audit_login(sender, request, user, **kwargs):
    from grants.services.audit import audit_record

    audit_record(actor=user, action="auth.login", obj=user)
