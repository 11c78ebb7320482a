"""Public pages of the tenants app: the application form, its links and status, and the directory."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from common.staff import staff_required
from common.tokens import hash_token

from . import hooks, links, outcomes, privacy, rules, services
from .applicants import applicant_email, applicant_enter, applicant_from, applicant_leave
from .choices import DocumentKind, TaskOwner, TaskState
from .exceptions import ApplicationIncomplete, ApplicationLocked, InvalidLink, InvalidTransition
from .filters import ResidentFilter
from .forms import (
    CompanyForm,
    ContactFormSet,
    DocumentsForm,
    EmailForm,
    InviteForm,
    NeedsForm,
    OutcomeSurveyForm,
    ProfileForm,
    StaffTaskForm,
    TaskCompleteForm,
    WithdrawForm,
)
from .models import (
    Application,
    ApplicationDocument,
    ComplianceDocument,
    OnboardingPlan,
    OnboardingTask,
    OutcomeSurvey,
)
from .onboarding import onboarding_task_complete, onboarding_task_waive, plans_for_board
from .permissions import can_download, can_download_compliance
from .selectors import residents_for_directory

LINK_SESSION_KEY = "applicant_link"
STEP_ORDER = (*rules.STEPS, "review")


# --- Applicant session ------------------------------------------------------------------------


def _session_application(request) -> Application | None:
    applicant = applicant_from(request)
    return applicant.application if applicant else None


def _editor_email(request) -> str:
    return applicant_email(request)


def _enter(request, application: Application, email: str = "") -> None:
    applicant_enter(request, application, email)


def _too_many(request, group: str, rate: str, method=("POST",)) -> HttpResponse | None:
    """A 429 page when this client address went over ``rate`` for ``group``, else None."""
    if is_ratelimited(request, group=group, key="ip", rate=rate, method=method, increment=True):
        response = render(request, "tenants/rate_limited.html", status=429)
        response["Retry-After"] = "3600"
        return response
    return None


def _steps_context(application: Application | None, current: str) -> dict:
    completed = set(application.completed_steps) if application else set()
    steps = [
        {"name": name, "title": rules.STEP_TITLES[name], "done": name in completed, "current": name == current}
        for name in STEP_ORDER
    ]
    return {"steps": steps, "current_step": current, "step_title": rules.STEP_TITLES[current]}


def _first_open_step(application: Application) -> str:
    return next((step for step in rules.STEPS if step not in application.completed_steps), "review")


def _step_url(step: str) -> str:
    """The page of a step; the review step has its own URL."""
    if step == "review":
        return reverse("tenants:apply_review")
    return reverse("tenants:apply_step", kwargs={"step": step})


def _next_url(application: Application, step: str, request) -> str:
    if "save_later" in request.POST:
        return reverse("tenants:apply_save_later")
    return _step_url(STEP_ORDER[STEP_ORDER.index(step) + 1])


# --- The form, step by step ---------------------------------------------------------------


@never_cache
def apply_start(request):
    application = _session_application(request)
    if application is not None:
        if not application.is_editable:
            return redirect("tenants:apply_status")
        return redirect(_step_url(_first_open_step(application)))
    return apply_step(request, step="company")


@never_cache
@require_http_methods(["GET", "POST"])
def apply_step(request, step: str):
    if step not in rules.STEPS:
        raise Http404
    application = _session_application(request)
    if application is None and step != "company":
        return redirect("tenants:apply")
    if application is not None and not application.is_editable:
        messages.info(request, _("Your application has been submitted; here is where it stands."))
        return redirect("tenants:apply_status")
    if application is not None:
        first_open = _first_open_step(application)
        if STEP_ORDER.index(step) > STEP_ORDER.index(first_open):
            messages.warning(request, _("Please complete this step first."))
            return redirect(_step_url(first_open))
    handler = {
        "company": _company_step,
        "contacts": _contacts_step,
        "profile": _profile_step,
        "needs": _needs_step,
        "documents": _documents_step,
    }[step]
    return handler(request, application)


def _render_step(request, application, step, **context):
    return render(
        request,
        f"tenants/apply/{step}.html",
        {"application": application, **_steps_context(application, step), **context},
    )


def _company_step(request, application):
    company = application.company if application else None
    form = CompanyForm(request.POST or None, instance=company, application=application)
    if request.method == "POST":
        if application is None and (limited := _too_many(request, "apply-start", settings.APPLY_RATE)):
            return limited
        if form.is_valid():
            if application is None:
                application = services.application_start(
                    campus=form.cleaned_data["campus"], company=form.save(commit=False), language=get_language()
                )
                _enter(request, application)
            else:
                services.application_save_step(
                    application=application,
                    step="company",
                    save=_only_its_fields(form),
                    changed=form.changed_data,
                    language=get_language(),
                    editor_email=_editor_email(request),
                )
            return redirect(_next_url(application, "company", request))
    return _render_step(request, application, "company", form=form)


def _contacts_step(request, application):
    formset = ContactFormSet(request.POST or None, instance=application, prefix="contacts")
    if request.method == "POST" and formset.is_valid():

        def save():
            formset.save()
            contacts = list(application.contacts.order_by("pk"))
            application.contacts.update(is_primary=False)
            if contacts:
                application.contacts.filter(pk=contacts[0].pk).update(is_primary=True)

        changed = sorted({f"{form.prefix}.{name}" for form in formset.forms for name in form.changed_data})
        _save(request, application, "contacts", save, changed)
        return redirect(_next_url(application, "contacts", request))
    return _render_step(request, application, "contacts", formset=formset)


def _profile_step(request, application):
    form = ProfileForm(request.POST or None, instance=application.company)
    if request.method == "POST" and form.is_valid():
        _save(request, application, "profile", _only_its_fields(form), form.changed_data)
        return redirect(_next_url(application, "profile", request))
    return _render_step(request, application, "profile", form=form)


def _needs_step(request, application):
    form = NeedsForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        _save(request, application, "needs", _only_its_fields(form), form.changed_data)
        return redirect(_next_url(application, "needs", request))
    return _render_step(request, application, "needs", form=form)


def _documents_step(request, application):
    form = DocumentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = [(kind, form.cleaned_data[kind]) for kind in DocumentKind.values if form.cleaned_data.get(kind)]

        def save():
            for kind, upload in uploaded:
                services.document_attach(
                    application=application, kind=kind, upload=upload, editor_email=_editor_email(request)
                )

        _save(request, application, "documents", save, [f"document:{kind}" for kind, _upload in uploaded])
        return redirect(_next_url(application, "documents", request))
    return _render_step(request, application, "documents", form=form, documents=application.documents.all())


def _only_its_fields(form):
    """Save a step's form writing only that step's columns, so concurrent editors keep theirs."""

    def save():
        instance = form.save(commit=False)
        columns = [f.name for f in instance._meta.concrete_fields if f.name in form.cleaned_data]
        instance.save(update_fields=columns)
        form.save_m2m()

    return save


def _save(request, application, step, save, changed):
    services.application_save_step(
        application=application,
        step=step,
        save=save,
        changed=changed,
        language=get_language(),
        editor_email=_editor_email(request),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def apply_review(request):
    application = _session_application(request)
    if application is None:
        return redirect("tenants:apply")
    if not application.is_editable:
        return redirect("tenants:apply_status")
    problems = services.missing_for_submission(application)
    if request.method == "POST":
        if limited := _too_many(request, "apply-submit", settings.APPLY_RATE):
            return limited
        try:
            services.application_submit(application=application, editor_email=_editor_email(request))
        except ApplicationIncomplete as exc:
            problems = exc.problems
        except InvalidTransition:
            pass  # submitted already, e.g. by a double click: nothing changes
        else:
            messages.success(request, _("Thank you. Your application has been submitted."))
        if not problems:
            return redirect("tenants:apply_status")
    return render(
        request,
        "tenants/apply/review.html",
        {
            "application": application,
            "problems": problems,
            "invite_form": InviteForm(),
            **_steps_context(application, "review"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def apply_save_later(request):
    application = _session_application(request)
    if application is None:
        return redirect("tenants:apply")
    contact = application.primary_contact
    form = EmailForm(
        request.POST or None, initial={"email": _editor_email(request) or (contact.email if contact else "")}
    )
    if request.method == "POST" and form.is_valid():
        if limited := _too_many(request, "link-request", settings.LINK_REQUEST_RATE):
            return limited
        services.save_for_later(application=application, email=form.cleaned_data["email"])
        return render(request, "tenants/apply/link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "tenants/apply/save_later.html", {"form": form, "application": application})


@never_cache
@require_POST
def apply_invite(request):
    application = _session_application(request)
    if application is None:
        return redirect("tenants:apply")
    form = InviteForm(request.POST)
    if form.is_valid():
        if limited := _too_many(request, "link-request", settings.LINK_REQUEST_RATE):
            return limited
        try:
            services.colleague_invite(
                application=application,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                invited_by=_editor_email(request),
            )
        except ApplicationLocked as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("We have sent %(email)s a link to this application.") % form.cleaned_data)
        return redirect("tenants:apply_review")
    return render(
        request,
        "tenants/apply/review.html",
        {
            "application": application,
            "problems": services.missing_for_submission(application),
            "invite_form": form,
            **_steps_context(application, "review"),
        },
    )


@never_cache
def apply_restart(request):
    """Forget the application in this browser (it stays saved) and start a new one."""
    if request.method == "POST":
        applicant_leave(request)
        return redirect("tenants:apply")
    return redirect("tenants:apply")


# --- Links ------------------------------------------------------------------------------------


@never_cache
@require_GET
def link_exchange(request, token: str, destination: str):
    """An e-mailed link: remember it in this browser's session and continue on a URL without it.

    As Django's password-reset confirmation does, the token leaves the address bar at once: this
    answer is the only one at a URL holding a token, and the only one sent with
    ``Referrer-Policy: no-referrer``. The pages after it (confirm, or "no longer valid") carry
    forms, which browsers would post with ``Origin: null`` under that policy. The session keeps
    only the token's hash, like the database, and a fresh code the confirmation form must return,
    so a page left open never confirms a link opened later in the same browser.
    """
    response = _too_many(request, "link-open", settings.LINK_OPEN_RATE, method=ALL)
    if response is None:
        request.session[LINK_SESSION_KEY] = {
            "token_hash": hash_token(token),
            "destination": destination,
            "code": secrets.token_urlsafe(16),
        }
        response = _SeeOther(reverse("tenants:link_open"))
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def link_open(request):
    """GET asks to confirm the link this browser opened last; POST uses it once and enters the application."""
    pending = request.session.get(LINK_SESSION_KEY)
    if not pending:
        return redirect("tenants:link_request")
    shown = request.method == "POST" and secrets.compare_digest(request.POST.get("link", ""), pending["code"])
    try:
        if shown:
            link = links.access_link_redeem(token_hash=pending["token_hash"])
        else:
            link = links.access_link_find(token_hash=pending["token_hash"])
    except InvalidLink as exc:  # the dead link stays, so the page survives a language switch
        return render(
            request, "tenants/apply/link_invalid.html", {"message": exc.message, "form": EmailForm()}, status=404
        )
    destination = pending["destination"]
    if not shown:
        if request.method == "POST":  # the page was for a link opened before this one
            messages.warning(request, _("Another link was opened in this browser since; here it is."))
        context = {"link": link, "destination": destination, "code": pending["code"]}
        return render(request, "tenants/apply/link_confirm.html", context)
    request.session.pop(LINK_SESSION_KEY, None)
    _enter(request, link.application, link.email)
    target = "tenants:apply" if destination == "resume" and link.application.is_editable else "tenants:apply_status"
    return _SeeOther(reverse(target))


class _SeeOther(HttpResponseRedirect):
    """303: continue with a GET, whatever the method that led here."""

    status_code = 303


@never_cache
@require_http_methods(["GET", "POST"])
def link_request(request):
    """Ask for a new link. The answer is the same whether or not the address is known."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limited := _too_many(request, "link-request", settings.LINK_REQUEST_RATE):
            return limited
        services.links_request(email=form.cleaned_data["email"])
        return render(request, "tenants/apply/link_sent.html", {"email": form.cleaned_data["email"], "generic": True})
    return render(request, "tenants/apply/link_request.html", {"form": form})


# --- Status -----------------------------------------------------------------------------------


@never_cache
def apply_status(request, task_forms: dict | None = None, status: int = 200, survey_form=None):
    application = _session_application(request)
    if application is None:
        return render(request, "tenants/apply/link_request.html", {"form": EmailForm(), "no_session": True}, status=403)
    plan = OnboardingPlan.objects.filter(application=application).prefetch_related("tasks__document").first()
    tasks = list(plan.tasks.all()) if plan else []
    task_forms = task_forms or {}
    for task in tasks:
        if task.owned_by_company and task.state == TaskState.PENDING:
            task.form = task_forms.get(task.pk) or TaskCompleteForm(task=task)
    return render(
        request,
        "tenants/apply/status.html",
        {
            "application": application,
            "transitions": application.transitions.all(),
            "plan": plan,
            "tasks": tasks,
            "shared_comments": hooks.comments_shared(application),
            "status_panels": hooks.panels_for(request, application),
            "survey_form": survey_form or _pending_survey_form(application),
        },
        status=status,
    )


def _pending_survey_form(application):
    survey = OutcomeSurvey.objects.filter(company=application.company, answered_at__isnull=True).first()
    return OutcomeSurveyForm(instance=survey) if survey else None


@never_cache
@require_POST
def outcome_survey_answer(request, pk: int):
    """The company answers its yearly outcome survey from its status page."""
    application = _session_application(request)
    if application is None:
        raise Http404
    survey = get_object_or_404(OutcomeSurvey, pk=pk, company=application.company, answered_at__isnull=True)
    form = OutcomeSurveyForm(request.POST, instance=survey)
    if not form.is_valid():
        return apply_status(request, survey_form=form, status=400)
    outcomes.outcome_survey_answer(survey=survey, answers=form.cleaned_data)
    messages.success(request, _("Thank you for the figures."))
    return redirect("tenants:apply_status")


@never_cache
@require_POST
def onboarding_task_done(request, pk: int):
    """The company completes one of its own onboarding tasks from its status page."""
    application = _session_application(request)
    if application is None:
        raise Http404
    task = get_object_or_404(
        OnboardingTask, pk=pk, plan__application=application, owner=TaskOwner.COMPANY, state=TaskState.PENDING
    )
    form = TaskCompleteForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        return apply_status(request, task_forms={task.pk: form}, status=400)
    try:
        onboarding_task_complete(
            task=task,
            actor_email=_editor_email(request),
            upload=form.cleaned_data.get("file"),
            expires_on=form.cleaned_data.get("expires_on"),
        )
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: “%(task)s” is done.") % {"task": task.title})
    return redirect("tenants:apply_status")


@never_cache
@require_http_methods(["GET", "POST"])
def apply_withdraw(request):
    application = _session_application(request)
    if application is None:
        return redirect("tenants:link_request")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, actor_email=_editor_email(request), reason=form.cleaned_data["reason"]
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("tenants:apply_status")
    if not application.can_withdraw:
        messages.error(request, _("A decision has been made; the application can no longer be withdrawn."))
        return redirect("tenants:apply_status")
    return render(request, "tenants/apply/withdraw.html", {"application": application, "form": form})


# --- Personal data (PIPL / GDPR) ------------------------------------------------------------


@never_cache
@require_POST
def apply_my_data(request):
    """Download, as JSON, everything held about the application of this status link."""
    applicant = applicant_from(request)
    if applicant is None:
        return redirect("tenants:link_request")
    application = applicant.application
    privacy.record_export(application, applicant.requester)
    body = json.dumps(privacy.export(application), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="icampus-application-{application.reference}.json"'
    return response


@never_cache
@require_POST
def apply_erase(request):
    """Ask for the application's personal data to be erased; campus staff carry it out."""
    applicant = applicant_from(request)
    if applicant is None:
        return redirect("tenants:link_request")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want your data erased."))
        return redirect("tenants:apply_status")
    privacy.request_erasure(applicant.application, applicant.requester)
    messages.success(
        request,
        _(
            "We have your request. Campus staff will erase your data within 15 days; "
            "the links we sent you then stop working."
        ),
    )
    return redirect("tenants:apply_status")


# --- Documents (staff only) ---------------------------------------------------------------


def document_download(request, pk: int):
    """Stream a document to someone allowed to read it; everybody else gets a 404."""
    document = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    if not can_download(request.user, document):
        raise Http404
    return _attachment(document)


def compliance_download(request, pk: int):
    """Compliance documents are for campus staff only."""
    document = get_object_or_404(ComplianceDocument, pk=pk)
    if not can_download_compliance(request.user):
        raise Http404
    return _attachment(document)


def _attachment(document) -> FileResponse:
    """A private document as a download the browser will not render or sniff."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Staff onboarding board ---------------------------------------------------------------


@staff_required
def staff_onboarding(request):
    """Every onboarding plan, those with overdue tasks first."""
    if not request.user.has_perm("tenants.view_onboardingplan"):
        raise PermissionDenied
    page = Paginator(plans_for_board(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "tenants/staff/onboarding.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("tenants.change_onboardingtask"),
        },
    )


@staff_required
@require_POST
def staff_onboarding_task(request, pk: int):
    if not request.user.has_perm("tenants.change_onboardingtask"):
        raise PermissionDenied
    task = get_object_or_404(OnboardingTask, pk=pk)
    form = StaffTaskForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "waive":
                onboarding_task_waive(task=task, actor=request.user, reason=form.cleaned_data["reason"])
            else:
                onboarding_task_complete(task=task, actor=request.user, upload=None)
        except InvalidTransition as exc:
            messages.error(request, f"{task.title}: {exc.message}")
        else:
            messages.success(request, _("“%(task)s” updated.") % {"task": task.title})
    return redirect(reverse("tenants:staff_onboarding") + f"#plan-{task.plan_id}")


# --- Resident directory -------------------------------------------------------------------


def residents(request):
    filterset = ResidentFilter(request.GET or None, queryset=residents_for_directory(), request=request)
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tenants/residents/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def resident_detail(request, slug: str):
    company = get_object_or_404(residents_for_directory(), slug=slug)
    return render(request, "tenants/residents/detail.html", {"company": company})
