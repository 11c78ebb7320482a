"""The company's team: who is on it, invitations, roles (company admins change them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError

from ..access import resident_required
from ..choices import MemberRole
from ..forms.members import InviteForm, RoleForm
from ..models import Invitation, Membership
from ..services.members import invitation_send, invitation_withdraw, member_remove, member_role_change

ADMINS = (MemberRole.ADMIN,)


@resident_required
def team(request, invite_form=None):
    company = request.membership.company
    members = Paginator(Membership.objects.filter(company=company).select_related("user"), 50).get_page(
        request.GET.get("page")
    )
    invitations = Invitation.objects.open().filter(company=company).select_related("invited_by")
    context = {
        "members": members,
        "invitations": invitations,
        "membership": request.membership,
        "invite_form": invite_form or InviteForm(),
        "roles": MemberRole.choices,
    }
    return render(request, "residents/team.html", context, status=400 if invite_form else 200)


@require_POST
@resident_required(roles=ADMINS)
def team_invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation_send(
                company=request.membership.company,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                actor=request.user,
                language=get_language(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("residents:team")
    return team.__wrapped__(request, invite_form=form)


def _member(request, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, company=request.membership.company)


@require_POST
@resident_required(roles=ADMINS)
def member_role(request, pk: int):
    membership = _member(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
    else:
        try:
            member_role_change(membership=membership, role=form.cleaned_data["role"], actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Role changed."))
    return redirect("residents:team")


@require_POST
@resident_required(roles=ADMINS)
def member_delete(request, pk: int):
    membership = _member(request, pk)
    try:
        member_remove(membership=membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is no longer on the team.") % {"name": membership.user.get_full_name()})
    return redirect("residents:team")


@require_POST
@resident_required(roles=ADMINS)
def invitation_delete(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk, company=request.membership.company)
    invitation_withdraw(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("residents:team")
