"""Business actions of the advisory committee: assigning, declaring, scoring; and the rules they share."""

from __future__ import annotations

import datetime as dt
import statistics

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import Actor, actor_label, actor_user
from common.errors import DomainError
from tenants.choices import ON_CAMPUS, ApplicationStatus
from tenants.models import Application, ApplicationDocument

from .choices import ConsultationStatus
from .models import CRITERIA, AdvisoryMember, Consultation, ConsultationSession, Review

# --- Rules other apps use ------------------------------------------------------------------


def completed_review_count(application: Application) -> int:
    """Completed reviews: submitted, by members who declared no conflict (the decision rule counts these)."""
    return Review.objects.completed().filter(application=application).count()


def member_may_download(user, document: ApplicationDocument) -> bool:
    """An assigned member who declared no conflict may read the application's documents."""
    member = getattr(user, "advisory_member", None)
    if member is None or not member.is_serving():
        return False
    return Review.objects.filter(application_id=document.application_id, member=member, has_conflict=False).exists()


def shared_comments(application: Application) -> list[str]:
    """Review comments staff chose to share with the applicant (never who wrote them)."""
    return list(
        Review.objects.completed()
        .filter(application=application, share_comment=True)
        .exclude(comment="")
        .values_list("comment", flat=True)
    )


def conflict_names(application: Application) -> set[str]:
    """Organisations a reviewer of this application should not work for: the applicant and its referrers."""
    names = {application.company.name}
    names |= set(application.referrals.values_list("partner__name", flat=True))
    return {name.strip().lower() for name in names}


def likely_conflict(member: AdvisoryMember, application: Application, names: set[str] | None = None) -> bool:
    """The member's organisation is the applicant, or a partner that referred it."""
    organisation = member.organisation.strip().lower()
    return bool(organisation) and organisation in (names if names is not None else conflict_names(application))


# --- Assigning ----------------------------------------------------------------------------------


def review_assignment_check(*, application: Application, member: AdvisoryMember) -> None:
    """Refuse (DomainError) unless the application is in committee review and the member serves on its committee."""
    if application.status != ApplicationStatus.COMMITTEE_REVIEW:
        raise DomainError(_("Only applications in committee review can be assigned."))
    if member.committee.campus_id != application.campus_id:
        raise DomainError(_("%(member)s is not on this campus's committee.") % {"member": member.name})
    if not member.is_serving():
        raise DomainError(_("The term of %(member)s has ended.") % {"member": member.name})


@transaction.atomic
def review_assign(*, application: Application, member: AdvisoryMember, actor: Actor) -> Review:
    """Ask a serving member of the campus's committee to review an application in committee review."""
    review_assignment_check(application=application, member=member)
    review, _created = Review.objects.get_or_create(
        application=application, member=member, defaults={"assigned_by": actor_user(actor)}
    )
    return review


@transaction.atomic
def reviews_auto_assign(*, application: Application, actor: Actor, count: int = 3) -> list[Review]:
    """Assign serving members without a likely conflict, those with the fewest open reviews first."""
    already = set(application.reviews.values_list("member_id", flat=True))
    candidates = (
        AdvisoryMember.objects.serving()
        .filter(committee__campus_id=application.campus_id)
        .exclude(pk__in=already)
        .annotate(open_reviews=Count("reviews", filter=Q(reviews__submitted_at__isnull=True)))
        .order_by("open_reviews", "name")
    )
    names = conflict_names(application)
    chosen = [m for m in candidates if not likely_conflict(m, application, names)][: max(0, count - len(already))]
    return [review_assign(application=application, member=member, actor=actor) for member in chosen]


# --- The member's side ----------------------------------------------------------------------


def _own(review: Review, actor: Actor) -> Review:
    """The review, locked, when it is assigned to the member whose account ``actor`` is."""
    locked = Review.objects.select_for_update(of=("self",)).select_related("member").get(pk=review.pk)
    if not _is_member(locked.member, actor):
        raise DomainError(_("This review is assigned to someone else."))
    return locked


def _is_member(member: AdvisoryMember | None, actor: Actor) -> bool:
    user = actor_user(actor)
    return member is not None and user is not None and member.user_id == user.pk


@transaction.atomic
def review_declare(*, review: Review, actor: Actor, has_conflict: bool, note: str = "") -> Review:
    """The member's declaration of interests, made once before anything of the application is shown."""
    review = _own(review, actor)
    if review.has_conflict is not None:
        raise DomainError(_("The declaration has been made already."))
    if has_conflict and not note.strip():
        raise DomainError(_("Describe the conflict briefly."), field="note")
    review.has_conflict, review.conflict_note, review.declared_at = has_conflict, note.strip(), timezone.now()
    review.save(update_fields=["has_conflict", "conflict_note", "declared_at", "updated_at"])
    return review


@transaction.atomic
def review_save(*, review: Review, actor: Actor, data: dict, submit: bool) -> Review:
    """Save the scores as a draft, or submit them (all five scores and a recommendation); then locked."""
    review = _own(review, actor)
    if review.has_conflict is not False:
        raise DomainError(_("Declare that you have no conflict of interest before scoring."))
    if review.is_submitted:
        raise DomainError(_("This review has been submitted and can no longer be changed."))
    for name in (*CRITERIA, "recommendation", "comment"):
        if name in data:
            setattr(review, name, data[name] if data[name] is not None else (None if name in CRITERIA else ""))
    if submit:
        missing = [name for name in (*CRITERIA, "recommendation") if not getattr(review, name)]
        if missing:
            raise DomainError(_("Score every criterion and give a recommendation to submit."), field=missing[0])
        review.submitted_at = timezone.now()
    review.full_clean(exclude=["application", "member"])
    review.save()
    return review


# --- What staff see -------------------------------------------------------------------------------


def review_summary(application: Application) -> dict:
    """Per criterion: mean and spread of completed reviews; each review's scores calibrated per member."""
    reviews = list(application.reviews.select_related("member").order_by("member__name"))
    completed = [r for r in reviews if r.is_submitted and r.has_conflict is False]
    criteria = {}
    for criterion in CRITERIA:
        values = [getattr(r, criterion) for r in completed if getattr(r, criterion) is not None]
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        criteria[criterion] = {
            "label": Review._meta.get_field(criterion).verbose_name,
            "mean": statistics.fmean(values) if values else None,
            "spread": spread,
            "disagreement": len(values) > 1 and (max(values) - min(values) >= settings.ADVISORY_DISAGREEMENT_GAP),
        }
    calibration = _member_baselines({r.member_id for r in completed})
    rows = []
    for review in reviews:
        mean = review.mean_score
        base = calibration.get(review.member_id)
        calibrated = None
        if mean is not None and base and base[1] > 0:
            calibrated = (mean - base[0]) / base[1]
        rows.append({"review": review, "mean": mean, "calibrated": calibrated})
    return {"criteria": criteria, "rows": rows, "completed": len(completed)}


def _member_baselines(member_ids: set[int]) -> dict[int, tuple[float, float]]:
    """Each member's own mean and spread over all their submitted reviews (two queries at most)."""
    by_member: dict[int, list[float]] = {}
    for review in Review.objects.completed().filter(member_id__in=member_ids):
        if review.mean_score is not None:
            by_member.setdefault(review.member_id, []).append(review.mean_score)
    return {
        member_id: (statistics.fmean(values), statistics.pstdev(values) if len(values) > 1 else 0.0)
        for member_id, values in by_member.items()
    }


# --- Meetings and consultations ---------------------------------------------------------------


def meeting_ics(meeting) -> str:
    """An iCalendar (RFC 5545) entry for one meeting."""

    def stamp(moment) -> str:
        return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    location = meeting.place or meeting.video_link
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//I-Campus Portal//Advisory committee//EN",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@icampus-portal",
        f"DTSTAMP:{stamp(timezone.now())}",
        f"DTSTART:{stamp(meeting.starts_at)}",
        f"DTEND:{stamp(meeting.ends_at)}",
        f"SUMMARY:{text(meeting.title)}",
        *([f"LOCATION:{text(location)}"] if location else []),
        *([f"DESCRIPTION:{text(meeting.agenda)}"] if meeting.agenda else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def counsel_offered_to(company) -> bool:
    """Counsel is for companies on campus: resident, or onboarding after approval."""
    return company.status in ON_CAMPUS


@transaction.atomic
def consultation_request(*, company, topic: str, question: str, actor: Actor = None):
    if not counsel_offered_to(company):
        raise DomainError(_("Counsel is offered to resident companies."))
    return Consultation.objects.create(company=company, topic=topic, question=question, requested_by=actor_label(actor))


@transaction.atomic
def consultation_assign(*, consultation, member: AdvisoryMember):
    if member.committee.campus_id != consultation.company.campus_id or not member.is_serving():
        raise DomainError(_("Choose a serving member of this campus's committee."))
    Consultation.objects.filter(pk=consultation.pk).update(member=member, status=ConsultationStatus.ASSIGNED)
    consultation.refresh_from_db()
    return consultation


@transaction.atomic
def consultation_log_session(*, consultation, actor: Actor, **fields):
    if not _is_member(consultation.member, actor):
        raise DomainError(_("This consultation is assigned to someone else."))
    session = ConsultationSession(consultation=consultation, **fields)
    session.full_clean(exclude=["consultation"])
    session.save()
    return session
