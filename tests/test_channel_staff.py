"""The channel's staff page through the real nginx and gunicorn: sign-in, the lockout,
CSRF, what each role may do, and the audit log."""

from __future__ import annotations

import pytest

from kaizen_studio.channel.accounts.rights import RIGHTS, Right, Role
from tests.channel_site import RunningChannel

pytestmark = pytest.mark.timeout(300)


def test_sign_in_opens_the_library_and_is_in_the_audit_log(channel: RunningChannel) -> None:
    channel.account("mrs_khan", "teacher")
    browser = channel.browser()
    assert browser.get("/channel/library/").status == 302  # not signed in: to the sign-in page
    answer = browser.sign_in("mrs_khan")
    assert answer.status == 302 and answer.headers["Location"] == "/channel/library/"
    page = browser.get("/channel/library/")
    assert page.status == 200
    assert "mrs_khan · Teacher" in page.text and "Hillside Primary" in page.text
    assert "#0b6e4f" in page.text  # the school's colour
    log = browser.get("/channel/accounts/audit/")
    assert log.status == 200
    assert "mrs_khan</td><td>signed in</td><td>from 127.0.0.1" in log.text


def test_passwords_are_stored_hashed(channel: RunningChannel) -> None:
    channel.account("mr_hash", "teacher")
    stored = channel.shell(
        "from kaizen_studio.channel.accounts.models import User; "
        "print(User.objects.get(username='mr_hash').password)"
    )
    assert stored.startswith(("pbkdf2_sha256$", "argon2", "scrypt"))
    assert "correct-horse" not in stored


def test_five_wrong_passwords_lock_the_account_out(channel: RunningChannel) -> None:
    channel.account("mr_lock", "teacher")
    browser = channel.browser()
    for _ in range(4):
        answer = browser.sign_in("mr_lock", "guess-wrong-000")
        assert answer.status == 200 and "do not match" in answer.text
    fifth = browser.sign_in("mr_lock", "guess-wrong-000")
    assert fifth.status == 429 and "Too many wrong passwords" in fifth.text
    # now even the right password is refused, and nothing is signed in
    right = browser.sign_in("mr_lock")
    assert right.status == 429
    assert browser.get("/channel/library/").status == 302
    # another name from the same address is not locked
    channel.account("ms_free", "teacher")
    assert channel.browser().sign_in("ms_free").status == 302
    head = channel.browser()
    channel.account("head_lock", "administrator")
    head.sign_in("head_lock")
    log = head.get("/channel/accounts/audit/").text
    assert "failed sign-in</td><td>as &#x27;mr_lock&#x27; from 127.0.0.1" in log
    assert "locked out</td><td>&#x27;mr_lock&#x27; from 127.0.0.1" in log


def test_a_post_without_the_csrf_token_is_refused(channel: RunningChannel) -> None:
    channel.account("ms_csrf", "teacher")
    browser = channel.browser()
    browser.sign_in("ms_csrf")
    refused = browser.post("/channel/accounts/sign-out/", {}, csrf=False)
    assert refused.status == 403
    assert browser.get("/channel/library/").status == 200  # still signed in
    # the sign-in form itself needs the token too
    stranger = channel.browser()
    no_token = stranger.post(
        "/channel/accounts/sign-in/", {"username": "ms_csrf", "password": "x"}, csrf=False
    )
    assert no_token.status == 403


def test_a_digital_leader_may_upload_but_not_approve_nor_manage(channel: RunningChannel) -> None:
    channel.account("leader_bea", "digital_leader")
    pupil = channel.browser()
    pupil.sign_in("leader_bea")
    page = pupil.get("/channel/library/")
    assert page.status == 200 and "A teacher approves what you upload" in page.text
    assert ">Approve<" not in page.text
    assert pupil.get("/channel/accounts/").status == 403
    assert pupil.get("/channel/accounts/audit/").status == 403
    refused = pupil.post("/channel/library/1/approve/", {"approved": "1"})
    assert refused.status == 403 and "may not approve items" in refused.text
    # a teacher cannot manage accounts either; the administrator can
    channel.account("mr_t", "teacher")
    teacher = channel.browser()
    teacher.sign_in("mr_t")
    assert teacher.get("/channel/accounts/").status == 403
    channel.account("head_roles", "administrator")
    head = channel.browser()
    head.sign_in("head_roles")
    assert head.get("/channel/accounts/").status == 200


@pytest.mark.parametrize(
    ("role", "right", "allowed"),
    [
        (Role.DIGITAL_LEADER, Right.SCHEDULE, False),
        (Role.DIGITAL_LEADER, Right.APPROVE, False),
        (Role.DIGITAL_LEADER, Right.WIDGETS, False),
        (Role.DIGITAL_LEADER, Right.UPLOAD, True),
        (Role.DIGITAL_LEADER, Right.PROPOSE, True),
        (Role.TEACHER, Right.SCHEDULE, True),
        (Role.TEACHER, Right.ACCOUNTS, False),
        (Role.TEACHER, Right.SCREENS, False),
        (Role.ADMINISTRATOR, Right.ACCOUNTS, True),
        (Role.ADMINISTRATOR, Right.GROUPS, True),
    ],
)
def test_the_rights_of_each_role(role: Role, right: Right, allowed: bool) -> None:
    assert (right in RIGHTS[role]) is allowed


def test_an_administrator_adds_an_account_and_it_is_audited(channel: RunningChannel) -> None:
    channel.account("head_add", "administrator")
    head = channel.browser()
    head.sign_in("head_add")
    weak = head.post(
        "/channel/accounts/",
        {"username": "ms_new", "role": "teacher", "password1": "12345", "password2": "12345"},
    )
    assert weak.status == 200 and "too short" in weak.text
    made = head.post(
        "/channel/accounts/",
        {"username": "ms_new", "role": "teacher", "password1": "Plum-tree-orchard-4",
         "password2": "Plum-tree-orchard-4"},
    )  # fmt: skip
    assert made.status == 302
    assert channel.browser().sign_in("ms_new", "Plum-tree-orchard-4").status == 302
    assert (
        "head_add</td><td>added account</td><td>ms_new (Teacher)"
        in head.get("/channel/accounts/audit/").text
    )
