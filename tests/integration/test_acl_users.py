"""ACL on real processes: users and rules from the config (and a config
whose rules are wrong refused at start), redis-py as a restricted user,
the aclfile (ACL SAVE, restart, ACL LOAD, a bad file refused whole),
ACL DELUSER closing the user's connections, and ACLs kept per region."""

import os

import pytest
import redis

from lib import harness
from lib.cluster import running
from lib.harness import wait_until

ROOT = "root-secret"


@pytest.fixture
def acl_sut():
    s = harness.make_sut(requirepass=ROOT, aclfile="users.acl", users=[
        ("app", "app-secret", "~app:* &app:* +@read +@write +@pubsub -@dangerous"),
        ("ops", "ops-secret")])
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


def client(s, user, password):
    return redis.Redis(host=s.host, port=s.port, username=user, password=password)


def test_config_rules_limit_a_user_and_redis_py_sees_redis_errors(acl_sut):
    app = client(acl_sut, "app", "app-secret")
    assert app.set("app:1", "v") is True
    assert app.get("app:1") == b"v"
    with pytest.raises(redis.exceptions.NoPermissionError, match="keys used as arguments"):
        app.set("other:1", "v")
    with pytest.raises(redis.exceptions.NoPermissionError, match="'flushall' command"):
        app.flushall()
    with pytest.raises(redis.exceptions.NoPermissionError, match="channels used as arguments"):
        app.publish("news", "m")
    assert app.publish("app:events", "m") == 0
    # a user without rules may do everything (as before ACLs)
    ops = client(acl_sut, "ops", "ops-secret")
    assert ops.set("other:1", "v") is True
    root = acl_sut.redis()
    log = root.acl_log()
    assert [(e["reason"], e["object"], e["username"]) for e in log[:3]] == [
        ("channel", "news", "app"), ("command", "flushall", "app"), ("key", "other:1", "app")]
    assert root.get("other:1") == b"v"
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGPASS"):
        client(acl_sut, "app", "wrong").ping()
    assert root.acl_log(1)[0]["reason"] == "auth"


def test_wrong_rules_in_the_config_refuse_to_start():
    s = harness.make_sut(requirepass=ROOT, users=[("app", "pw", "+get +nosuchcommand")])
    try:
        code, log = s.run_to_exit()
        assert code not in (0, None), log
        assert "users[0].rules" in log and "'+nosuchcommand'" in log, log
        assert "Unknown command or category name in ACL" in log, log
    finally:
        s.cleanup()


def test_aclfile_save_restart_and_load(acl_sut):
    root = acl_sut.conn()
    path = os.path.join(acl_sut.data_dir, acl_sut.region, "users.acl")
    assert root.call_raw("ACL", "SETUSER", "u", "on", ">u-secret", "~u:*", "+get", "+set") \
        == b"+OK\r\n"
    assert not os.path.exists(path)
    assert root.call_raw("ACL", "SAVE") == b"+OK\r\n"
    with open(path) as f:
        saved = f.read()
    assert "user u on #" in saved and "~u:* resetchannels -@all +get +set" in saved, saved
    assert "user app on #" in saved, saved

    # a restart starts from the file, not from [[users]]
    root.call("ACL", "DELUSER", "app")
    root.call("ACL", "SAVE")
    acl_sut.restart()
    root = acl_sut.conn()
    users = [u.decode() for u in root.call("ACL", "USERS")]
    assert users == ["default", "ops", "u"], users
    u = client(acl_sut, "u", "u-secret")
    assert u.set("u:1", "x") is True

    # ACL LOAD: the file edited by hand
    with open(path, "a") as f:
        f.write("user late on nopass ~* +ping\n")
    assert root.call_raw("ACL", "LOAD") == b"+OK\r\n"
    assert b"late" in root.call_raw("ACL", "USERS")
    # a wrong file changes nothing and says which line is wrong
    with open(path, "a") as f:
        f.write("user broken on +nosuch\n")
    with open(path) as f:
        bad_line = len(f.read().splitlines())
    r = root.call_raw("ACL", "LOAD")
    assert r.startswith(b"-ERR %s:%d: Unknown command or category name" % (path.encode(), bad_line)), r
    assert b"no change to the previously active ACL rules" in r
    assert b"late" in root.call_raw("ACL", "USERS")
    assert u.get("u:1") == b"x"
    # ... and keeps the region from starting, with why
    acl_sut.stop()
    code, log = acl_sut.run_to_exit()
    assert code not in (0, None) and "users.acl:%d" % bad_line in log, log


def test_deleting_a_user_closes_its_connections(acl_sut):
    root = acl_sut.conn()
    root.call("ACL", "SETUSER", "temp", "on", ">t", "~*", "+@all")
    t = acl_sut.conn(auth=False)
    assert t.call_raw("AUTH", "temp", "t") == b"+OK\r\n"
    assert t.call_raw("PING") == b"+PONG\r\n"
    assert root.call_raw("ACL", "DELUSER", "temp") == b":1\r\n"

    def closed():
        try:
            return t.call_raw("PING") in (b"",)
        except (OSError, Exception):
            return True
    wait_until(closed, timeout=5, desc="the deleted user's connection is closed")
    assert root.call_raw("PING") == b"+PONG\r\n"


def test_acl_changes_stay_in_their_region():
    """Documented: ACL SETUSER changes the region it runs in; the config gives
    every region the same users."""
    with running(names=("a", "b")) as c:
        a, b = c.servers["a"].conn(), c.servers["b"].conn()
        assert a.call_raw("ACL", "SETUSER", "only-a", "on", "nopass", "+@all", "~*") == b"+OK\r\n"
        assert b"only-a" in a.call_raw("ACL", "USERS")
        # data written by that user replicates; the user does not
        ua = c.servers["a"].conn(auth=False)
        assert ua.call_raw("AUTH", "only-a", "x") == b"+OK\r\n"
        assert ua.call_raw("SET", "acl:k", "v") == b"+OK\r\n"
        wait_until(lambda: b.call_raw("GET", "acl:k") == b"$1\r\nv\r\n", timeout=10,
                   desc="the write replicated to b")
        assert b"only-a" not in b.call_raw("ACL", "USERS")


def test_a_subscriber_that_loses_its_channel_is_disconnected(acl_sut):
    """As Redis 7: ACL SETUSER that takes a channel away closes the user's
    connections subscribed to it; others of the user stay."""
    root = acl_sut.conn()
    root.call("ACL", "SETUSER", "listener", "on", ">l", "&news", "&sport*", "+@all")
    news, sport, idle = (acl_sut.conn(auth=False) for _ in range(3))
    for c in (news, sport, idle):
        assert c.call_raw("AUTH", "listener", "l") == b"+OK\r\n"
    news.call("SUBSCRIBE", "news")
    sport.call("PSUBSCRIBE", "sport*")
    assert root.call_raw("ACL", "SETUSER", "listener", "resetchannels", "&sport*") == b"+OK\r\n"
    wait_until(lambda: root.call("PUBSUB", "NUMSUB", "news")[1] == 0, timeout=5,
               desc="the news subscriber is gone")
    assert root.call("PUBSUB", "NUMPAT") == 1  # the pattern is still allowed
    assert idle.call_raw("PING") == b"+PONG\r\n"
