"""Every move of an application goes through one checked, recorded function."""

from __future__ import annotations

import itertools

import pytest
from django.core import mail

from tenants import hooks, rules
from tenants.choices import ApplicationStatus as S
from tenants.choices import CompanyStatus
from tenants.exceptions import InvalidTransition
from tenants.models import Application, Notification
from tenants.notifications import notification_send
from tenants.services.applications import application_transition
from tenants.signals import application_status_changed
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(S.values, S.values))


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_only_the_moves_in_the_table_are_allowed(current, target, staff_user, settings):
    settings.APPLICATION_MIN_REVIEWS = 0
    application = ApplicationFactory(status=current)
    legal = target in rules.TRANSITIONS[current]

    if legal:
        application_transition(application=application, to=target, actor=staff_user, reason="Because.")
        application.refresh_from_db()
        assert application.status == target
        assert application.transitions.get().from_status == current
    else:
        with pytest.raises(InvalidTransition):
            application_transition(application=application, to=target, actor=staff_user, reason="Because.")
        application.refresh_from_db()
        assert application.status == current
        assert not application.transitions.exists()


def test_transition_records_who_when_and_why(staff_user):
    application = ApplicationFactory(status=S.SUBMITTED)

    application_transition(application=application, to=S.SCREENING, actor=staff_user, reason="Complete file.")

    transition = application.transitions.get()
    assert (transition.actor, transition.reason, transition.to_status) == (staff_user, "Complete file.", S.SCREENING)
    assert transition.created_at is not None


def test_staff_must_give_a_reason_to_reject(staff_user, settings):
    settings.APPLICATION_MIN_REVIEWS = 0
    application = ApplicationFactory(status=S.SCREENING)

    with pytest.raises(InvalidTransition) as caught:
        application_transition(application=application, to=S.REJECTED, actor=staff_user)

    assert caught.value.field == "reason"


def test_a_decision_needs_the_minimum_number_of_reviews_or_a_recorded_override(staff_user):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW)

    with pytest.raises(InvalidTransition) as caught:
        application_transition(application=application, to=S.APPROVED, actor=staff_user)
    assert "2 more completed advisory review" in caught.value.message

    application_transition(
        application=application, to=S.APPROVED, actor=staff_user, override_reason="Chair's urgent decision."
    )
    assert application.transitions.get().override_reason == "Chair's urgent decision."


def test_a_decision_with_enough_reviews_needs_no_override(staff_user):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW)

    def two_more_reviews(sender, **kwargs) -> int:
        return 2

    hooks.review_counter.connect(two_more_reviews, dispatch_uid="test.two_more_reviews")
    try:
        application_transition(application=application, to=S.APPROVED, actor=staff_user)
    finally:
        hooks.review_counter.disconnect(dispatch_uid="test.two_more_reviews")

    assert application.transitions.get().override_reason == ""


def test_approval_makes_the_company_onboarding(staff_user, settings):
    settings.APPLICATION_MIN_REVIEWS = 0
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW)

    application_transition(application=application, to=S.APPROVED, actor=staff_user)

    application.company.refresh_from_db()
    assert application.company.status == CompanyStatus.ONBOARDING


def test_status_change_is_announced_after_commit_and_mailed_in_the_applicants_language(
    staff_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(status=S.SUBMITTED, language="zh-hans")
    received = []
    application_status_changed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            application_transition(application=application, to=S.SCREENING, actor=staff_user)
            assert received == []  # nothing before commit
    finally:
        application_status_changed.disconnect(dispatch_uid="t")

    assert len(callbacks) >= 2
    assert received[0]["to_status"] == S.SCREENING and received[0]["application_id"] == application.pk
    assert "筛选" in mail.outbox[-1].subject


def test_rolled_back_transition_sends_nothing(staff_user, django_capture_on_commit_callbacks):
    application = ApplicationFactory(status=S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_transition(application=application, to=S.SCREENING, actor=staff_user)
    # The test's transaction is rolled back: the callbacks were never run.
    assert mail.outbox == []
    assert callbacks


def test_delivering_an_email_twice_sends_it_once(staff_user):
    application = ApplicationFactory(status=S.SUBMITTED)
    application_transition(application=application, to=S.SCREENING, actor=staff_user)
    notification = Notification.objects.get(application=application)

    assert notification_send(notification.pk) is True
    assert notification_send(notification.pk) is False

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.body == ""


def test_concurrent_moves_are_serialised(staff_user):
    application = ApplicationFactory(status=S.SUBMITTED)
    stale = Application.objects.get(pk=application.pk)
    application_transition(application=application, to=S.WITHDRAWN, actor=staff_user, reason="Asked by phone.")

    with pytest.raises(InvalidTransition):
        application_transition(application=stale, to=S.SCREENING, actor=staff_user)


@pytest.fixture
def retries_run_here():
    """Let Celery's eager mode run a task's retries one after another, as a worker would."""
    from portal.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def test_delivery_is_retried_while_the_mail_server_is_away_then_sent_once(staff_user, monkeypatch, retries_run_here):
    import smtplib

    from tenants.notifications import notification_deliver

    application = ApplicationFactory(status=S.SUBMITTED)
    application_transition(application=application, to=S.SCREENING, actor=staff_user)
    notification = Notification.objects.get(application=application)
    real_send, calls = mail.EmailMessage.send, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise smtplib.SMTPServerDisconnected("mail server went away")
        return real_send(*args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", flaky)
    result = notification_deliver.apply(args=[notification.pk])

    assert result.state == "SUCCESS" and len(calls) == 3
    notification.refresh_from_db()
    assert notification.attempts == 0 and notification.sent_at is not None  # the outage was no fault of the e-mail
    assert len(mail.outbox) == 1
    assert notification_deliver.apply(args=[notification.pk]).result is False  # redelivered: nothing sent


def test_a_refused_email_is_given_up_after_a_bounded_number_of_tries_but_an_outage_counts_none(
    staff_user, monkeypatch, settings, retries_run_here
):
    import smtplib

    from tenants.notifications import notification_deliver, notifications_relay

    application = ApplicationFactory(status=S.SUBMITTED)
    application_transition(application=application, to=S.SCREENING, actor=staff_user)
    notification = Notification.objects.get(application=application)

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    assert notification_deliver.apply(args=[notification.pk]).state == "FAILURE"  # retried, then left to the relay
    notification.refresh_from_db()
    assert notification.attempts == 0 and notification.claimed_until is None
    assert notifications_relay(older_than_seconds=0) == 1  # an outage never makes an e-mail give up

    def refused(message, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 no such mailbox")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    assert [notifications_relay(older_than_seconds=0) for _ in range(4)] == [1, 1, 1, 0]  # then left for staff
    notification.refresh_from_db()
    assert notification.attempts == 3 and notification.sent_at is None
    assert "no such mailbox" in notification.last_error


def test_an_email_whose_sender_died_mid_send_is_sent_again_only_after_its_claim_runs_out(staff_user, monkeypatch):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    application = ApplicationFactory(status=S.SUBMITTED)
    application_transition(application=application, to=S.SCREENING, actor=staff_user)
    notification = Notification.objects.get(application=application)

    def worker_killed(*args, **kwargs):
        raise SystemExit("worker killed mid-send")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", worker_killed)
        with pytest.raises(SystemExit):
            notification_send(notification.pk)

    assert notification_send(notification.pk) is False  # still claimed by the dead worker: no second copy yet
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert notification_send(notification.pk) is True
        assert notification_send(notification.pk) is False
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).sent_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_mail_server_answers(monkeypatch):
    """Another connection can lock the e-mail's row while it is being sent: SMTP never waits inside a lock."""
    import threading

    from django.db import DatabaseError, connection, transaction

    notification = Notification.objects.create(  # written by a change whose own job has not run
        kind="status:screening", recipient="ada@helix.example.com", language="en", subject="Screening", body="..."
    )
    real_send, probes = mail.EmailMessage.send, []

    def probe_row_lock():
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update(nowait=True).filter(pk=notification.pk))
            probes.append("free")
        except DatabaseError:
            probes.append("locked")
        finally:
            connection.close()

    def slow_mail_server(*args, **kwargs):
        prober = threading.Thread(target=probe_row_lock)
        prober.start()
        prober.join(10)
        return real_send(*args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", slow_mail_server)
    mail.outbox.clear()

    assert notification_send(notification.pk) is True
    assert probes == ["free"]
    assert len(mail.outbox) == 1


def _pending(count: int) -> list[int]:
    """E-mails written by changes whose own jobs have not run yet."""
    return [
        Notification.objects.create(
            kind="status:screening", recipient=f"person{i}@helix.example.com", language="en", subject="Hi", body="..."
        ).pk
        for i in range(count)
    ]


def test_a_batch_delivered_twice_sends_each_email_once_over_one_connection(monkeypatch):
    from django.core.mail import get_connection

    from tenants.notifications import notifications_send

    ids = _pending(3)
    opened = []
    monkeypatch.setattr(
        "django.core.mail.get_connection", lambda *a, **kw: opened.append(1) or get_connection(*a, **kw)
    )
    mail.outbox.clear()

    assert notifications_send(ids) == 3
    assert notifications_send(ids) == 0
    assert notifications_send([*ids, *_pending(1)]) == 1  # an overlapping batch sends only what is new

    assert sorted(m.to[0] for m in mail.outbox) == sorted(Notification.objects.values_list("recipient", flat=True))
    assert len(opened) == 2  # one connection to the mail server per batch that had something to send
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert set(Notification.objects.values_list("body", flat=True)) == {""}


def _smtp_refusals():
    import smtplib

    return {
        "recipient": lambda message: smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 no such mailbox")}),
        "sender": lambda message: smtplib.SMTPSenderRefused(553, b"5.7.1 sender not allowed", "portal@example.com"),
        "content": lambda message: smtplib.SMTPDataError(554, b"5.6.0 message refused"),
    }


@pytest.mark.parametrize("refusal", ["recipient", "sender", "content"])
def test_an_email_the_mail_server_refuses_counts_on_it_alone_and_the_batch_goes_on(refusal, monkeypatch):
    from django.core.mail import get_connection

    from tenants.notifications import notifications_send

    ids = _pending(5)
    refused = Notification.objects.get(pk=ids[1]).recipient
    real_send, opened, make_error = mail.EmailMessage.send, [], _smtp_refusals()[refusal]

    def refuse_the_second(message, *args, **kwargs):
        if message.to[0] == refused:
            raise make_error(message)
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse_the_second)
    monkeypatch.setattr(
        "django.core.mail.get_connection", lambda *a, **kw: opened.append(1) or get_connection(*a, **kw)
    )
    mail.outbox.clear()

    assert notifications_send(ids) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Notification.objects.filter(pk__in=ids).exclude(pk=ids[1]).values_list("recipient", flat=True)
    )
    assert len(opened) == 1
    assert Notification.objects.filter(pk__in=ids, sent_at__isnull=False).count() == 4
    failed = Notification.objects.get(pk=ids[1])
    assert (failed.sent_at, failed.attempts, failed.claimed_until) == (None, 1, None)  # the relay tries it again
    assert failed.last_error.startswith(make_error(mail.EmailMessage(to=[refused])).__class__.__name__)
    assert set(Notification.objects.exclude(pk=ids[1]).values_list("attempts", flat=True)) == {0}


@pytest.mark.parametrize("drop", ["disconnected", "timeout", "closing"])
def test_a_connection_dropped_mid_batch_keeps_what_was_sent_and_releases_the_rest_with_no_attempt_counted(
    drop, monkeypatch, retries_run_here
):
    import smtplib

    from tenants.notifications import notifications_deliver, notifications_send

    errors = {
        "disconnected": smtplib.SMTPServerDisconnected("mail server went away"),
        "timeout": TimeoutError("timed out"),
        "closing": smtplib.SMTPDataError(421, b"4.3.2 service shutting down"),  # the server closes the connection
    }
    ids = _pending(5)
    real_send, calls = mail.EmailMessage.send, []

    def third_send_drops(message, *args, **kwargs):
        calls.append(message.to[0])
        if len(calls) == 3:
            raise errors[drop]
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", third_send_drops)
    mail.outbox.clear()
    with pytest.raises(type(errors[drop])):
        notifications_send(ids)

    assert Notification.objects.filter(pk__in=ids[:2], sent_at__isnull=False).count() == 2
    rest = Notification.objects.filter(pk__in=ids[2:])
    assert set(rest.values_list("sent_at", "claimed_until", "attempts", "last_error")) == {(None, None, 0, "")}
    assert notifications_deliver.apply(args=[ids]).result == 3  # the job's retry, or the relay, sends the rest once
    assert len(mail.outbox) == 5 and len({m.to[0] for m in mail.outbox}) == 5


def test_a_database_failure_while_recording_counts_no_attempt_and_leaves_the_batch_to_its_claim(monkeypatch):
    import datetime as dt

    import time_machine
    from django.db import OperationalError
    from django.utils import timezone

    from tenants import notifications
    from tenants.notifications import notifications_send

    ids = _pending(3)
    real_record = notifications._record_sent

    def database_gone(notification_ids):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(notifications, "RECORD_EVERY", 2)
    mail.outbox.clear()
    with monkeypatch.context() as patched:
        patched.setattr(notifications, "_record_sent", database_gone)
        with pytest.raises(OperationalError):
            notifications_send(ids)

    assert len(mail.outbox) == 2  # the third was not tried
    batch = Notification.objects.filter(pk__in=ids)
    assert not batch.filter(sent_at__isnull=False).exists()
    assert set(batch.values_list("attempts", flat=True)) == {0}
    assert not batch.filter(claimed_until__isnull=True).exists()  # nothing released: the claims run out
    assert notifications_send(ids) == 0
    assert notifications._record_sent is real_record
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert notifications_send(ids) == 3  # the two sent but not recorded go again, as after a killed worker
    assert not batch.filter(sent_at__isnull=True).exists()


def test_a_worker_killed_mid_batch_keeps_what_it_sent_and_leaves_the_rest_until_its_claim_runs_out(monkeypatch):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from tenants.notifications import notifications_send

    ids = _pending(3)
    real_send, calls = mail.EmailMessage.send, []

    def killed_at_the_third(message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("worker killed mid-send")
        return real_send(message, *args, **kwargs)

    mail.outbox.clear()
    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", killed_at_the_third)
        with pytest.raises(SystemExit):
            notifications_send(ids)

    assert Notification.objects.filter(pk__in=ids[:2], sent_at__isnull=False).count() == 2
    assert notifications_send(ids) == 0  # the third is still claimed by the dead worker
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert notifications_send(ids) == 1
    assert len(mail.outbox) == 3


def test_a_slow_mail_server_leaves_the_rest_of_the_batch_to_the_relay_before_the_claim_runs_out(monkeypatch):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from tenants.notifications import notifications_relay, notifications_send

    ids = _pending(3)
    real_send = mail.EmailMessage.send
    mail.outbox.clear()

    with time_machine.travel(timezone.now(), tick=False) as clock:

        def three_minutes_each(message, *args, **kwargs):
            clock.shift(dt.timedelta(minutes=3))
            return real_send(message, *args, **kwargs)

        with monkeypatch.context() as patched:
            patched.setattr("django.core.mail.EmailMessage.send", three_minutes_each)
            assert notifications_send(ids) == 1
        released = Notification.objects.filter(pk__in=ids[1:], sent_at__isnull=True, claimed_until__isnull=True)
        assert released.count() == 2
        assert notifications_relay(older_than_seconds=0) == 2  # published again, sent once each
    assert len(mail.outbox) == 3
    assert notifications_send(ids) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_jobs_given_the_same_batch_at_once_send_each_email_once():
    from tenants.notifications import notifications_send
    from tests.concurrency import at_once

    ids = _pending(40)
    mail.outbox.clear()

    outcomes = at_once(lambda: notifications_send(ids), lambda: notifications_send(list(reversed(ids))))

    assert sum(outcomes) == 40, outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"person{i}@helix.example.com" for i in range(40))
