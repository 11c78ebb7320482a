"""The application form, step by step, its review, invitations, the status page and withdrawal."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import hooks, rules
from ..applicants import applicant_email, applicant_enter, applicant_leave
from ..choices import DocumentKind, TaskState
from ..exceptions import ApplicationIncomplete, ApplicationLocked, InvalidTransition
from ..forms import (
    CompanyForm,
    ContactFormSet,
    DocumentsForm,
    EmailForm,
    InviteForm,
    NeedsForm,
    OutcomeSurveyForm,
    ProfileForm,
    TaskCompleteForm,
    WithdrawForm,
)
from ..models import Application, OnboardingPlan, OutcomeSurvey
from ..services.applications import (
    application_save_step,
    application_start,
    application_submit,
    application_withdraw,
    colleague_invite,
    document_attach,
    missing_for_submission,
    resume_link_send,
)
from ._common import session_application, too_many

STEP_ORDER = (*rules.STEPS, "review")


# --- Steps ------------------------------------------------------------------------------------


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
    application = session_application(request)
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
    application = session_application(request)
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
    """The step's own template where it has one (``company.html``); else the plain one, ``step.html``."""
    return render(
        request,
        [f"tenants/apply/{step}.html", "tenants/apply/step.html"],
        {"application": application, **_steps_context(application, step), **context},
    )


def _company_step(request, application):
    company = application.company if application else None
    form = CompanyForm(request.POST or None, instance=company, application=application)
    if request.method == "POST":
        if application is None and (limited := too_many(request, "apply-start", settings.APPLY_RATE)):
            return limited
        if form.is_valid():
            if application is None:
                application = application_start(
                    campus=form.cleaned_data["campus"], company=form.save(commit=False), language=get_language()
                )
                applicant_enter(request, application)
            else:
                application_save_step(
                    application=application,
                    step="company",
                    save=_only_its_fields(form),
                    changed=form.changed_data,
                    language=get_language(),
                    actor=applicant_email(request),
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
                document_attach(application=application, kind=kind, upload=upload, actor=applicant_email(request))

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
    application_save_step(
        application=application,
        step=step,
        save=save,
        changed=changed,
        language=get_language(),
        actor=applicant_email(request),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def apply_review(request):
    application = session_application(request)
    if application is None:
        return redirect("tenants:apply")
    if not application.is_editable:
        return redirect("tenants:apply_status")
    problems = missing_for_submission(application)
    if request.method == "POST":
        if limited := too_many(request, "apply-submit", settings.APPLY_RATE):
            return limited
        try:
            application_submit(application=application, actor=applicant_email(request))
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
    application = session_application(request)
    if application is None:
        return redirect("tenants:apply")
    contact = application.primary_contact
    form = EmailForm(
        request.POST or None, initial={"email": applicant_email(request) or (contact.email if contact else "")}
    )
    if request.method == "POST" and form.is_valid():
        if limited := too_many(request, "link-request", settings.LINK_REQUEST_RATE):
            return limited
        resume_link_send(application=application, email=form.cleaned_data["email"])
        return render(request, "tenants/apply/link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "tenants/apply/save_later.html", {"form": form, "application": application})


@never_cache
@require_POST
def apply_invite(request):
    application = session_application(request)
    if application is None:
        return redirect("tenants:apply")
    form = InviteForm(request.POST)
    if form.is_valid():
        if limited := too_many(request, "link-request", settings.LINK_REQUEST_RATE):
            return limited
        try:
            colleague_invite(
                application=application,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                actor=applicant_email(request),
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
            "problems": missing_for_submission(application),
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


# --- Status -----------------------------------------------------------------------------------


@never_cache
def apply_status(request, task_forms: dict | None = None, status: int = 200, survey_form=None):
    application = session_application(request)
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
@require_http_methods(["GET", "POST"])
def apply_withdraw(request):
    application = session_application(request)
    if application is None:
        return redirect("tenants:link_request")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                application=application, actor=applicant_email(request), reason=form.cleaned_data["reason"]
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
