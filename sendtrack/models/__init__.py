"""All models, imported here so Alembic and the app see one complete metadata."""

from sendtrack.models.apdr import (
    ApdrCycle,
    ApdrOutcome,
    CycleStatus,
    NextStep,
    Progress,
    Provision,
    UnitRate,
)
from sendtrack.models.audit import AuditAction, AuditEvent
from sendtrack.models.base import Base
from sendtrack.models.early_support import EarlySupportStart
from sendtrack.models.ehcna import (
    AnnualReview,
    AssessDecision,
    AssessmentOutcome,
    EhcnaRequest,
    ExceptionGround,
    RequestSource,
    TimescaleException,
)
from sendtrack.models.imports import ImportUpload
from sendtrack.models.org import Cluster, LocalAuthority, Phase, Setting
from sendtrack.models.packs import GeneratedPack, PackStatus
from sendtrack.models.panels import (
    AgendaItem,
    ClusterBudget,
    DecisionOutcome,
    MeetingStatus,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
)
from sendtrack.models.pupils import (
    NeedCode,
    Pupil,
    PupilNeed,
    PupilTransfer,
    SenStatus,
    SenStatusChange,
    Sex,
)
from sendtrack.models.ranges import (
    ExpectedProvision,
    FrameworkStatus,
    JudgementTick,
    RangesArea,
    RangesDescriptor,
    RangesFramework,
    RangesJudgement,
    RangesLevel,
    UsuallyNext,
)
from sendtrack.models.referrals import Referral, ReferralStatus, RequestType, WouldRequestEhcna
from sendtrack.models.rtf import RtfApplication, RtfBand, RtfBudget, RtfDecision, RtfStatus
from sendtrack.models.statistics import StatisticsResult, StatisticsStamp
from sendtrack.models.submissions import Submission
from sendtrack.models.users import (
    LoginAttempt,
    RecoveryCode,
    Role,
    RoleMembership,
    TwoFactorPolicy,
    User,
)

__all__ = [
    "AgendaItem",
    "AnnualReview",
    "ApdrCycle",
    "ApdrOutcome",
    "AssessDecision",
    "AssessmentOutcome",
    "AuditAction",
    "AuditEvent",
    "Base",
    "Cluster",
    "ClusterBudget",
    "CycleStatus",
    "DecisionOutcome",
    "EarlySupportStart",
    "EhcnaRequest",
    "ExceptionGround",
    "ExpectedProvision",
    "FrameworkStatus",
    "GeneratedPack",
    "ImportUpload",
    "JudgementTick",
    "LocalAuthority",
    "LoginAttempt",
    "MeetingStatus",
    "NeedCode",
    "NextStep",
    "PackStatus",
    "PanelAction",
    "PanelDecision",
    "PanelMeeting",
    "PanelMember",
    "Phase",
    "Progress",
    "Provision",
    "Pupil",
    "PupilNeed",
    "PupilTransfer",
    "RangesArea",
    "RangesDescriptor",
    "RangesFramework",
    "RangesJudgement",
    "RangesLevel",
    "RecoveryCode",
    "Referral",
    "ReferralStatus",
    "RequestSource",
    "RequestType",
    "Role",
    "RoleMembership",
    "RtfApplication",
    "RtfBand",
    "RtfBudget",
    "RtfDecision",
    "RtfStatus",
    "SenStatus",
    "SenStatusChange",
    "Setting",
    "Sex",
    "StatisticsResult",
    "StatisticsStamp",
    "Submission",
    "TimescaleException",
    "TwoFactorPolicy",
    "UnitRate",
    "User",
    "UsuallyNext",
    "WouldRequestEhcna",
]
