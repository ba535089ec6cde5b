"""Notifications: idempotent by key, e-mailed once, the daily digest, the pages, the bell and the API."""

import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.core import notifications
from danvan.core.models import Notification

pytestmark = pytest.mark.django_db

JSON = "application/json"
API = "/api/v1/notifications"
NOW = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def _note(user, **kw) -> Notification:
    values = {"kind": "test", "title": "Petition 1234 is due", "url": "/dialogues/petitions/1/"}
    values.update(kw)
    notifications.notify([user], **values)
    return Notification.objects.filter(recipient=user).order_by("-id").first()


# --- notify ------------------------------------------------------------------------------------


def test_notify_with_a_key_stores_one_row_per_recipient_however_often_it_runs():
    alice, bob = UserFactory(), UserFactory()

    first = notifications.notify([alice, bob.pk], kind="t", title="Due", key="petition:1:due")
    second = notifications.notify([alice, bob], kind="t", title="Due", key="petition:1:due")

    assert (first, second) == (2, 0)
    assert Notification.objects.filter(key="petition:1:due").count() == 2


def test_notify_without_a_key_stores_every_call_and_skips_nobody():
    alice = UserFactory()

    notifications.notify([alice, None], kind="t", title="Hello")
    notifications.notify([alice], kind="t", title="Hello")

    assert Notification.objects.filter(recipient=alice).count() == 2
    assert notifications.notify([], kind="t", title="Nobody") == 0


def test_a_racing_call_with_the_same_key_is_ignored_not_an_error():
    alice = UserFactory()
    real_bulk_create = Notification.objects.bulk_create

    def other_worker_inserts_first(rows, **kwargs):
        # The other call passed its check at the same moment and inserted just before this one.
        Notification.objects.create(recipient=alice, kind="t", title="Due", key="race")
        return real_bulk_create(rows, **kwargs)

    with mock.patch.object(Notification.objects, "bulk_create", other_worker_inserts_first):
        notifications.notify([alice], kind="t", title="Due", key="race")

    assert Notification.objects.filter(recipient=alice, key="race").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_notifying_at_once_store_one_row():
    if connection.vendor == "sqlite":
        pytest.skip("an in-memory SQLite database is not shared between threads")
    alice = UserFactory()
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            notifications.notify([alice], kind="t", title="Due", key="threads")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Notification.objects.filter(recipient=alice, key="threads").count() == 1


def test_unread_count_and_mark_read_touch_only_the_users_rows():
    alice, bob = UserFactory(), UserFactory()
    mine = _note(alice)
    _note(alice)
    theirs = _note(bob)

    assert notifications.mark_read(alice, [mine.pk, theirs.pk]) == 1

    assert notifications.unread_count(alice) == 1
    assert notifications.unread_count(bob) == 1
    assert notifications.mark_read(alice) == 1
    assert notifications.unread_count(alice) == 0


# --- e-mail ------------------------------------------------------------------------------------


def test_send_pending_emails_sends_each_once_and_skips_users_without_email():
    with_email = UserFactory(email="canbo@example.test")
    without_email = UserFactory(email="")
    inactive = UserFactory(email="nghi@example.test", is_active=False)
    notifications.notify(
        [with_email, without_email, inactive],
        kind="t",
        title="Petition 12 is overdue",
        body="Đường kiệt ngập nước",
        url="/dialogues/petitions/12/",
        email=True,
    )
    notifications.notify([with_email], kind="t", title="In the app only")

    first = notifications.send_pending_emails()
    second = notifications.send_pending_emails()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["canbo@example.test"]
    assert message.subject == "Petition 12 is overdue"
    assert "Đường kiệt ngập nước" in message.body
    assert message.body.endswith("/dialogues/petitions/12/")
    assert message.body.split("\n")[-1].startswith("http")
    assert not Notification.objects.filter(email_wanted=True, emailed_at__isnull=True).exists()


def test_a_mail_server_failure_is_logged_and_not_retried_forever():
    user = UserFactory()
    notifications.notify([user], kind="t", title="Overdue", email=True)

    with mock.patch("danvan.core.notifications.send_mail", side_effect=OSError("refused")):
        assert notifications.send_pending_emails() == 0

    assert notifications.send_pending_emails() == 0
    assert mail.outbox == []


# --- the daily digest ----------------------------------------------------------------------------


def test_daily_digest_is_one_per_user_per_day_with_every_section(monkeypatch):
    monkeypatch.setattr(notifications, "_DIGEST_SOURCES", [])
    busy, idle = UserFactory(), UserFactory()
    no_email = UserFactory(email="")

    @notifications.register_digest_section
    def things(user, day):
        if user == idle:
            return None
        return notifications.DigestSection("Things", [f"Three things on {day:%d/%m}"], url="/x/")

    assert notifications.send_daily_digests(now=NOW) == 1
    assert notifications.send_daily_digests(now=NOW + timedelta(hours=5)) == 0
    assert notifications.send_daily_digests(now=NOW + timedelta(days=1)) == 1

    digests = Notification.objects.filter(kind="core.digest").order_by("created_at")
    assert [d.recipient for d in digests] == [busy, busy]
    assert digests[0].title == "Your daily summary for 07/12/2026"
    assert "Three things on 07/12" in digests[0].body
    assert "/x/" in digests[0].body
    assert digests[0].email_wanted
    assert not Notification.objects.filter(recipient__in=[idle, no_email]).exists()


# --- pages -------------------------------------------------------------------------------------


def test_list_shows_only_the_users_notifications_newest_first(client):
    alice, bob = UserFactory(), UserFactory()
    _note(alice, title="Older", now=NOW)
    _note(alice, title="Newer", now=NOW + timedelta(hours=1))
    _note(bob, title="Someone else's")
    client.force_login(alice)

    response = client.get(reverse("core:notification-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer") < html.index("Older")
    assert "Someone else" not in html
    assert "2 unread notifications" in html


def test_unread_filter_and_pagination(client, settings):
    settings.DANVAN_PAGE_SIZE = 2
    alice = UserFactory()
    for n in range(3):
        _note(alice, title=f"Reminder {n}", now=NOW + timedelta(minutes=n))
    read = _note(alice, title="Already seen", now=NOW - timedelta(days=1))
    notifications.mark_read(alice, [read.pk])
    client.force_login(alice)
    url = reverse("core:notification-list")

    unread = client.get(url, {"show": "unread"}).content.decode()
    second_page = client.get(url, {"show": "unread", "page": 2}).content.decode()
    everything = client.get(url, {"show": "nonsense", "page": 2}).content.decode()

    assert "Reminder 2" in unread
    assert "Reminder 1" in unread
    assert "Reminder 0" not in unread
    assert "Reminder 0" in second_page
    assert "Already seen" not in second_page
    assert "Already seen" in everything


def test_mark_one_read_then_back_to_the_same_list(client):
    alice = UserFactory()
    note = _note(alice)
    client.force_login(alice)

    response = client.post(
        reverse("core:notification-read", args=[note.pk]), {"show": "unread", "page": "2"}
    )

    assert response.status_code == 302
    assert response.url == reverse("core:notification-list") + "?show=unread&page=2"
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_with_htmx_answers_the_row_and_the_bell(client):
    alice = UserFactory()
    note = _note(alice, title="Petition 77 is due")
    _note(alice)
    client.force_login(alice)

    response = client.post(
        reverse("core:notification-read", args=[note.pk]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in html
    assert "Petition 77 is due" in html
    assert "Mark as read" not in html
    assert 'hx-swap-oob="true"' in html
    assert "Notifications: 1 unread" in html
    assert "1 unread notification<" in html


def test_someone_elses_notification_is_not_found(client):
    alice, bob = UserFactory(), UserFactory()
    theirs = _note(bob)
    client.force_login(alice)

    assert client.post(reverse("core:notification-read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("core:notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_a_post_and_a_signed_in_user(client):
    alice = UserFactory()
    note = _note(alice)

    anonymous = client.post(reverse("core:notification-read", args=[note.pk]))
    client.force_login(alice)
    by_get = client.get(reverse("core:notification-read", args=[note.pk]))

    assert anonymous.status_code == 302
    assert "login" in anonymous.url
    assert by_get.status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read(client):
    alice, bob = UserFactory(), UserFactory()
    _note(alice)
    _note(alice)
    _note(bob)
    client.force_login(alice)

    response = client.post(reverse("core:notification-read-all"), follow=True)

    assert notifications.unread_count(alice) == 0
    assert notifications.unread_count(bob) == 1
    assert "All notifications are marked as read." in response.content.decode()


def test_open_marks_read_and_goes_to_the_record_but_never_off_site(client):
    alice = UserFactory()
    local = _note(alice, url="/dialogues/petitions/5/")
    foreign = _note(alice, url="https://evil.example/phish")
    client.force_login(alice)

    to_record = client.get(reverse("core:notification-open", args=[local.pk]))
    off_site = client.get(reverse("core:notification-open", args=[foreign.pk]))

    assert to_record.status_code == 302
    assert to_record.url == "/dialogues/petitions/5/"
    assert off_site.status_code == 302
    assert off_site.url == reverse("core:notification-list")
    assert notifications.unread_count(alice) == 0


def test_bell_shows_the_count_and_stops_polling_when_signed_out(client):
    alice = UserFactory()
    for _ in range(3):
        _note(alice)

    signed_out = client.get(reverse("core:notification-bell"))
    client.force_login(alice)
    bell = client.get(reverse("core:notification-bell"))

    assert signed_out.status_code == 286
    assert bell.status_code == 200
    html = bell.content.decode()
    assert 'aria-label="Notifications: 3 unread"' in html
    assert 'hx-trigger="every 60s"' in html


def test_every_page_shows_the_bell_with_one_count_query(client, place):
    _, commune, _ = place
    officer = user_with_role("officer", commune)
    _note(officer)
    client.force_login(officer)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))

    assert 'aria-label="Notifications: 1 unread"' in response.content.decode()
    reads = [q["sql"] for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(reads) == 1
    assert "COUNT" in reads[0].upper()


def test_signed_out_pages_have_no_bell(client):
    response = client.get(reverse("accounts:login"))

    assert "notification-bell" not in response.content.decode()


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_only_own_notifications_with_an_unread_filter(api):
    alice, bob = UserFactory(), UserFactory()
    read = _note(alice, title="Seen", now=NOW)
    _note(alice, title="New", now=NOW + timedelta(hours=1))
    _note(bob, title="Bob's")
    notifications.mark_read(alice, [read.pk])
    client = api(alice)

    everything = client.get(API).json()
    unread = client.get(API, {"unread": "true", "page_size": 1}).json()

    assert [n["title"] for n in everything["items"]] == ["New", "Seen"]
    assert everything["count"] == 2
    assert everything["items"][1]["is_read"] is True
    assert unread["count"] == 1
    assert unread["items"][0]["title"] == "New"
    assert unread["items"][0]["read_at"] is None


def test_api_count_and_mark_read_by_ids_ignores_other_peoples_ids(api):
    alice, bob = UserFactory(), UserFactory()
    mine = [_note(alice), _note(alice), _note(alice)]
    theirs = _note(bob)
    client = api(alice)

    response = client.post(f"{API}/mark-read", {"ids": [mine[0].pk, theirs.pk]}, content_type=JSON)

    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 2}
    assert client.get(f"{API}/count").json() == {"unread": 2}
    assert notifications.unread_count(bob) == 1


def test_api_mark_all_read(api):
    alice = UserFactory()
    _note(alice)
    _note(alice)

    response = api(alice).post(f"{API}/mark-read", {"all": True}, content_type=JSON)

    assert response.json() == {"marked": 2, "unread": 0}


@pytest.mark.parametrize(
    "body", [{}, {"ids": []}, {"ids": ["x"]}, {"ids": list(range(1, 502))}, {"all": "maybe"}]
)
def test_api_mark_read_refuses_bad_input_and_changes_nothing(api, body):
    alice = UserFactory()
    _note(alice)

    response = api(alice).post(f"{API}/mark-read", body, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert notifications.unread_count(alice) == 1


def test_api_needs_a_signed_in_caller(client):
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/count").status_code == 401
    assert client.post(f"{API}/mark-read", {"all": True}, content_type=JSON).status_code == 401
