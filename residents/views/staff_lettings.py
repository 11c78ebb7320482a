"""Allocating a space to an approved company and preparing its draft lease, from the application.

The application's admin page links here next to each space that matches (``residents.hooks``);
this page confirms what will be written and writes it with ``residents.services.lettings.space_let``.
Staff who may add allocations and leases (``campus.add_allocation``, ``residents.add_lease``) use it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.staff import staff_required
from tenants.choices import ApplicationStatus
from tenants.models import Application

from ..forms.lettings import LettingForm
from ..services.lettings import space_let
from .requests import add_error

LET = ("campus.add_allocation", "residents.add_lease")


@staff_required
@permission_required(LET, raise_exception=True)
def staff_space_let(request, pk: int):
    """GET: what will be allocated and leased, to confirm; POST: allocate and prepare the draft lease."""
    application = get_object_or_404(
        Application.objects.select_related("company__campus", "campus"), pk=pk, status=ApplicationStatus.APPROVED
    )
    data = request.POST if request.method == "POST" else None
    form = LettingForm(data, application=application)
    if data is None:
        form.initial["space"] = request.GET.get("space")
    space = _chosen_space(form)
    if data is not None and form.is_valid():
        try:
            lease, made = space_let(
                space=form.cleaned_data["space"],
                company=application.company,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                area_m2=form.cleaned_data["area_m2"],
                submission_key=form.cleaned_data["submission"] or None,
                actor=request.user,
            )
        except ValidationError as error:
            _add_validation_errors(form, error)
        except DomainError as error:
            add_error(form, error)
        else:
            if made:
                messages.success(
                    request,
                    _("Space %(space)s is allocated to %(company)s; set the rates of its draft lease here.")
                    % {"space": space, "company": application.company},
                )
            else:
                messages.warning(request, _("The form was sent twice: the space was allocated once."))
            return redirect("admin:residents_lease_change", lease.pk)
    context = {"application": application, "space": space, "form": form}
    return render(request, "residents/staff/letting.html", context, status=400 if form.errors else 200)


def _chosen_space(form: LettingForm):
    """The space the page is about, from the link or the form sent; 404 when it is not the campus's."""
    field = form.fields["space"]
    try:
        return field.clean(form["space"].value())
    except ValidationError:
        raise Http404 from None


def _add_validation_errors(form: LettingForm, error: ValidationError) -> None:
    """An allocation's refusal (overlap, area) next to the field at fault, above the form otherwise."""
    for field, messages_ in getattr(error, "message_dict", {None: error.messages}).items():
        for message in messages_:
            form.add_error(field if field in form.fields and field != "space" else None, message)
