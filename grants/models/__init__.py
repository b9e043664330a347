from .accounts import User
from .applications import (
    DECIDED_STATUSES,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    ApplicationStep,
    BudgetCategory,
    BudgetLine,
    NarrativeAnswer,
)
from .audit import AuditEntry
from .comments import CommentVisibility, StaffComment
from .decisions import (
    AWARD_OUTCOMES,
    Award,
    AwardInstallment,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    InstallmentStatus,
    Milestone,
)
from .directory import District, DistrictKind, district_match_key
from .invitations import Invitation, InvitationKind
from .letters import LetterTemplate
from .messages import EmailStatus, OutboundEmail
from .organizations import (
    MembershipRequest,
    MembershipRequestStatus,
    Organization,
    OrganizationMembership,
    OrganizationType,
)
from .programs import ContentArea, MicroCredential, Program, ProgramStatus
from .reviews import ConflictDeclaration, CriterionScore, Review, ReviewStatus, RubricCriterion

__all__ = [
    "AWARD_OUTCOMES",
    "DECIDED_STATUSES",
    "Application",
    "ApplicationAttachment",
    "ApplicationStatus",
    "ApplicationStep",
    "AuditEntry",
    "Award",
    "AwardInstallment",
    "BudgetCategory",
    "BudgetLine",
    "CommentVisibility",
    "ConflictDeclaration",
    "ContentArea",
    "CriterionScore",
    "Decision",
    "DecisionOutcome",
    "DecisionStatus",
    "District",
    "DistrictKind",
    "EmailStatus",
    "InstallmentStatus",
    "Invitation",
    "InvitationKind",
    "LetterTemplate",
    "MicroCredential",
    "MembershipRequest",
    "MembershipRequestStatus",
    "Milestone",
    "NarrativeAnswer",
    "Organization",
    "OrganizationMembership",
    "OrganizationType",
    "OutboundEmail",
    "Program",
    "ProgramStatus",
    "Review",
    "ReviewStatus",
    "RubricCriterion",
    "StaffComment",
    "User",
    "district_match_key",
]
