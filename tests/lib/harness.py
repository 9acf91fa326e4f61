"""Process harness for the Meridian Python test suites.

* `MeridianServer`: runs `build/meridian server --config F --region R --data-dir D`
  (the binary comes from $MERIDIAN_BIN, default <repo>/build/meridian).
* `RedisServer`: a real redis-server ($REDIS_SERVER_BIN, default redis-server),
  used as the reference in differential tests.
* `CommandServer`: any other server program given as an argv (the benchmarks'
  redis-server with exact options, `meridian up`).
* `make_sut(...)`: the system under test. Normally a MeridianServer; when
  $MERIDIAN_BIN names a redis-server binary (e.g. MERIDIAN_BIN=redis-server) the
  same settings are translated to a redis-server configuration, which is how
  the suites themselves are debugged without the Meridian binary.

Every server writes its stdout/stderr to `<tmpdir>/server.log`; the pytest hook
in tests/conftest.py prints the tail of the logs of live servers when a test
fails. All servers are registered and killed at exit no matter what.
"""

import atexit
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

from .resp import RespConn, Err

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HOST = "127.0.0.1"

READY_TIMEOUT = float(os.environ.get("MERIDIAN_READY_TIMEOUT", "30"))
STOP_TIMEOUT = float(os.environ.get("MERIDIAN_STOP_TIMEOUT", "15"))
KEEP_TMP = os.environ.get("MERIDIAN_KEEP_TMP") == "1"


# ------------------------------------------------------------------ utilities

def meridian_bin():
    b = os.environ.get("MERIDIAN_BIN") or os.path.join(REPO_ROOT, "build", "meridian")
    if os.sep not in b:
        b = shutil.which(b) or b
    return b


def redis_server_bin():
    b = os.environ.get("REDIS_SERVER_BIN", "redis-server")
    if os.sep not in b:
        b = shutil.which(b) or b
    return b


def sut_kind():
    """'redis' when the system under test is a redis-server stand-in, else 'meridian'."""
    return "redis" if "redis-server" in os.path.basename(meridian_bin()) else "meridian"


def sut_available():
    b = meridian_bin()
    return os.path.isfile(b) and os.access(b, os.X_OK)


_given_ports = set()
_port_lock = threading.Lock()


def free_port():
    """A TCP port on 127.0.0.1 that is free now and not handed out before by
    this process."""
    with _port_lock:
        for _ in range(200):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind((HOST, 0))
                port = s.getsockname()[1]
            finally:
                s.close()
            if port not in _given_ports:
                _given_ports.add(port)
                return port
    raise RuntimeError("could not find a free port")


def free_ports(n):
    return [free_port() for _ in range(n)]


class WaitTimeout(AssertionError):
    pass


def wait_until(fn, timeout=10.0, interval=0.01, desc=None):
    """Poll fn() until it returns a truthy value; return that value.
    Raises WaitTimeout (an AssertionError) with the last value/exception."""
    deadline = time.monotonic() + timeout
    last = None
    last_exc = None
    while True:
        try:
            last = fn()
            last_exc = None
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - reported below
            last_exc = e
        if time.monotonic() >= deadline:
            what = desc or getattr(fn, "__name__", "condition")
            raise WaitTimeout("timed out after %.1fs waiting for %s; last value=%r, "
                              "last exception=%r" % (timeout, what, last, last_exc))
        time.sleep(interval)  # poll interval, until the deadline


def make_tmpdir(prefix="meridian-test-"):
    return tempfile.mkdtemp(prefix=prefix)


def toml_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def tail(path, max_bytes=8000):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - max_bytes))
            data = f.read()
        return data.decode("utf-8", "replace")
    except OSError as e:
        return "<no log: %s>" % e


def die_with_parent():
    """In the child before exec (preexec_fn): get SIGKILL when the test process
    dies, so no server outlives a killed pytest (Linux only; best effort)."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:
        pass


_die_with_parent = die_with_parent  # the old name


def exit_on_signals():
    """For scripts that run servers (the benchmarks): SIGINT raises
    KeyboardInterrupt and SIGTERM/SIGHUP raise SystemExit(128 + signal), so
    `finally` blocks stop the servers. Set explicitly because a
    non-interactive shell starts background jobs with SIGINT ignored."""
    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


# ------------------------------------------------------------------ registry

_registry = []
_registry_lock = threading.Lock()


def live_servers():
    with _registry_lock:
        return list(_registry)


def _kill_all():
    for s in live_servers():
        try:
            s.cleanup()
        except Exception:
            pass


atexit.register(_kill_all)


# ------------------------------------------------------------------ servers

class ServerError(AssertionError):
    pass


class Server:
    """Common process management. Subclasses define _command()."""

    kind = "server"
    # True: the process runs in its own session (a terminal's Ctrl-C reaches
    # only the script, which stops it from `finally`), and a SIGKILL from
    # stop()/cleanup() goes to its whole process group
    new_session = False

    def __init__(self, tmpdir=None, password=None, username=None):
        self.host = HOST
        self.port = None
        self.proc = None
        self.own_tmpdir = tmpdir is None
        self.tmpdir = tmpdir or make_tmpdir()
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.password = password
        self.username = username
        self.starts = 0
        self._logf = None
        with _registry_lock:
            _registry.append(self)

    # -- to override
    def _command(self):
        raise NotImplementedError

    def _prepare(self):
        """Write configuration before a start (may pick ports)."""

    def _repick_ports(self):
        """Called when a start failed because a port was taken."""

    # -- lifecycle
    def start(self, wait=True, timeout=READY_TIMEOUT):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        for attempt in range(3):
            self._prepare()
            self._spawn()
            if not wait:
                return self
            try:
                self.wait_ready(timeout)
                return self
            except ServerError:
                log = tail(self.log_path, 4000).lower()
                port_clash = ("in use" in log or "eaddrinuse" in log)
                if self.proc.poll() is not None and port_clash and attempt < 2:
                    self._repick_ports()
                    continue
                raise
        return self

    def _spawn(self):
        cmd = self._command()
        self.starts += 1
        if self._logf:
            self._logf.close()
        self._logf = open(self.log_path, "ab")
        self._logf.write(("\n===== start #%d: %s\n" % (self.starts, " ".join(cmd))).encode())
        self._logf.flush()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._logf,
                                     stderr=subprocess.STDOUT, cwd=self.tmpdir,
                                     start_new_session=self.new_session,
                                     preexec_fn=die_with_parent)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self, max_bytes=8000):
        return tail(self.log_path, max_bytes)

    def describe(self):
        return "%s pid=%s port=%s dir=%s" % (self.kind, self.pid, self.port, self.tmpdir)

    def ping_ok(self):
        """One readiness probe: connect, (AUTH), PING -> +PONG."""
        try:
            with RespConn(self.host, self.port, timeout=2, connect_timeout=1) as c:
                if self.password is not None:
                    if self.username:
                        c.call("AUTH", self.username, self.password)
                    else:
                        c.call("AUTH", self.password)
                return c.call_raw("PING") == b"+PONG\r\n"
        except (OSError, Exception):
            return False

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError("%s exited with code %s before becoming ready.\n"
                                  "--- log tail ---\n%s"
                                  % (self.describe(), self.proc.returncode, self.log()))
            if self.ping_ok():
                return
            time.sleep(0.02)  # poll interval, until the deadline
        raise ServerError("%s not ready (PING -> +PONG) within %.0fs.\n--- log tail ---\n%s"
                          % (self.describe(), timeout, self.log()))

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Signal the server and wait for it to exit; SIGKILL it if it does not
        exit in time. Returns the exit code (negative = killed by signal)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._kill_proc()
                self.proc.wait(10)
                self.stop_timed_out = True
        return self.proc.returncode

    def _kill_proc(self):
        """SIGKILL the process (its process group when new_session)."""
        if self.new_session:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            self.proc.kill()

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        return self.proc.returncode if self.proc else None

    def restart(self, wait=True):
        """Stop cleanly (if running) and start again on the same data."""
        if self.running():
            self.stop()
        return self.start(wait=wait)

    def cleanup(self):
        try:
            if self.running():
                try:
                    self._kill_proc()
                    self.proc.wait(10)
                except Exception:
                    pass
        finally:
            if self._logf:
                self._logf.close()
                self._logf = None
            with _registry_lock:
                if self in _registry:
                    _registry.remove(self)
            if self.own_tmpdir and not KEEP_TMP:
                shutil.rmtree(self.tmpdir, ignore_errors=True)

    # -- clients
    def conn(self, auth=True, timeout=10.0):
        """A raw RESP connection (authenticated when the server has a password)."""
        c = RespConn(self.host, self.port, timeout=timeout)
        if auth and self.password is not None:
            r = (c.call("AUTH", self.username, self.password) if self.username
                 else c.call("AUTH", self.password))
            if isinstance(r, Err):
                c.close()
                raise ServerError("AUTH failed: %s" % r)
        return c

    def redis(self, **kw):
        import redis
        opts = dict(host=self.host, port=self.port, socket_timeout=10,
                    socket_connect_timeout=5)
        if self.password is not None:
            opts["password"] = self.password
            if self.username:
                opts["username"] = self.username
        opts.update(kw)
        return redis.Redis(**opts)

    def cli(self, *args, resp3=False, timeout=20, input_data=None, extra=()):
        """Run redis-cli against this server. Returns CompletedProcess (text)."""
        cmd = ["redis-cli", "-h", self.host, "-p", str(self.port)]
        if resp3:
            cmd.append("-3")
        if self.password is not None:
            cmd += ["--no-auth-warning", "-a", self.password]
            if self.username:
                cmd += ["--user", self.username]
        cmd += list(extra)
        cmd += [str(a) for a in args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              input=input_data)


class RedisServer(Server):
    """A real redis-server (reference implementation, or SUT stand-in)."""

    kind = "redis-server"

    def __init__(self, options=None, tmpdir=None, password=None, username=None,
                 config_text=None):
        super().__init__(tmpdir=tmpdir, password=password, username=username)
        self.options = dict(options or {})
        self.config_text = config_text
        self.port = free_port()

    def _repick_ports(self):
        self.port = free_port()

    def _command(self):
        cmd = [redis_server_bin()]
        if self.config_text is not None:
            path = os.path.join(self.tmpdir, "redis.conf")
            with open(path, "w") as f:
                f.write(self.config_text)
            cmd.append(path)
        opts = {"port": str(self.port), "bind": HOST, "save": "",
                "appendonly": "no", "dir": self.tmpdir, "daemonize": "no",
                "logfile": ""}
        opts.update(self.options)
        for k, v in opts.items():
            cmd += ["--" + k, str(v)]
        return cmd


class CommandServer(Server):
    """Any server program, given as an argv: a list, or a function port ->
    list (then a start that fails on a port clash retries on a new free
    port). `port` (default: a free one) is where ping_ok()/wait_ready()
    expect PING -> +PONG; start(wait=False) for programs that do not answer
    there themselves."""

    def __init__(self, argv, port=None, kind="server", tmpdir=None, password=None,
                 username=None, new_session=False):
        super().__init__(tmpdir=tmpdir, password=password, username=username)
        self.argv = argv
        self.kind = kind
        self.new_session = new_session
        self.port = free_port() if port is None else port

    def _repick_ports(self):
        if callable(self.argv):
            self.port = free_port()

    def _command(self):
        return list(self.argv(self.port) if callable(self.argv) else self.argv)


class MeridianServer(Server):
    """The Meridian binary running one region."""

    kind = "meridian"

    DEFAULTS = dict(fsync="everysec", maxclients=10000, proto_max_bulk_len=536870912,
                    client_query_buffer_limit=1073741824, enable_flushall=True, hz=10,
                    log_level="info")

    def __init__(self, region="r1", cluster="test", users=(), requirepass=None,
                 tmpdir=None, config_text=None, binary=None, extra_args=(), tls=None,
                 **server):
        super().__init__(tmpdir=tmpdir, password=requirepass)
        self.region = region
        self.cluster = cluster
        self.users = list(users)
        self.requirepass = requirepass
        self.server_settings = dict(self.DEFAULTS)
        self.server_settings.update(server)
        self.config_text = config_text  # full override (used for bad-config tests)
        self.binary = binary or meridian_bin()
        self.extra_args = list(extra_args)
        self.data_dir = os.path.join(self.tmpdir, "data")
        self.config_path = os.path.join(self.tmpdir, "meridian.toml")
        # tls: the [tls] table (a dict); the region then gets a tls_port too.
        self.tls = dict(tls) if tls is not None else None
        self.port, self.peer_port, self.http_port, self.tls_port = free_ports(4)

    def _repick_ports(self):
        self.port, self.peer_port, self.http_port, self.tls_port = free_ports(4)

    def render_config(self):
        lines = ["[cluster]", "name = %s" % toml_str(self.cluster), "", "[server]"]
        for k, v in self.server_settings.items():
            if v is None:
                continue
            if isinstance(v, bool):
                lines.append("%s = %s" % (k, "true" if v else "false"))
            elif isinstance(v, int):
                lines.append("%s = %d" % (k, v))
            else:
                lines.append("%s = %s" % (k, toml_str(v)))
        if self.requirepass is not None:
            lines.append("requirepass = %s" % toml_str(self.requirepass))
        for user in self.users:  # (name, password[, ACL rules])
            lines += ["", "[[users]]", "name = %s" % toml_str(user[0]),
                      "password = %s" % toml_str(user[1])]
            if len(user) > 2:
                lines.append("rules = %s" % toml_str(user[2]))
        lines += ["", "[[regions]]", "name = %s" % toml_str(self.region), "id = 1",
                  'client = "%s:%d"' % (HOST, self.port),
                  'peer = "%s:%d"' % (HOST, self.peer_port),
                  'http = "%s:%d"' % (HOST, self.http_port),
                  'jurisdiction = "US"', "latitude = 38.9", "longitude = -77.0", ""]
        if self.tls is not None:
            lines.insert(-1, "tls_port = %d" % self.tls_port)
            lines.append("[tls]")
            for k, v in self.tls.items():
                lines.append("%s = %s" % (k, toml_str(v) if isinstance(v, str) else
                                          ("true" if v else "false")))
            lines.append("")
        return "\n".join(lines)

    def _prepare(self):
        text = self.config_text if self.config_text is not None else self.render_config()
        with open(self.config_path, "w") as f:
            f.write(text)

    def _command(self):
        # MERIDIAN_WRAPPER, e.g. "gdb -q -batch -ex run -ex bt --args", runs the
        # binary under a tool (diagnostics only; signals then go to the tool)
        wrapper = shlex.split(os.environ.get("MERIDIAN_WRAPPER", ""))
        return wrapper + [self.binary, "server", "--config", self.config_path,
                          "--region", self.region, "--data-dir", self.data_dir] + self.extra_args

    def run_to_exit(self, timeout=20):
        """Start (without waiting for readiness) and wait for the process to
        exit. Returns (exit_code, log_text). Kills it if it is still running."""
        self._prepare()
        self._spawn()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            return None, self.log()
        self._logf.flush()
        return self.proc.returncode, self.log(64000)


def redis_sut(region="r1", cluster="test", users=(), requirepass=None, fsync="everysec",
              maxclients=10000, proto_max_bulk_len=536870912,
              client_query_buffer_limit=1073741824, enable_flushall=True, hz=10,
              log_level="info", tmpdir=None):
    """A redis-server configured like a Meridian region with the same settings
    (stand-in SUT for developing the suites). enable_flushall cannot be
    expressed and is ignored."""
    conf = ["appendonly yes", "appendfsync %s" % fsync, "maxclients %d" % maxclients,
            "proto-max-bulk-len %d" % max(proto_max_bulk_len, 1024 * 1024),
            "client-query-buffer-limit %d" % max(client_query_buffer_limit, 1024 * 1024),
            "hz %d" % hz, "save \"\""]
    if requirepass is not None:
        conf.append("requirepass %s" % requirepass)
    for name, pw in users:
        conf.append("user %s on >%s ~* &* +@all" % (name, pw))
    s = RedisServer(options={"appendonly": "yes"}, tmpdir=tmpdir, password=requirepass,
                    config_text="\n".join(conf) + "\n")
    s.kind = "redis-server(SUT stand-in)"
    s.server_settings = dict(fsync=fsync, maxclients=maxclients,
                             proto_max_bulk_len=proto_max_bulk_len,
                             enable_flushall=enable_flushall, hz=hz)
    return s


def make_sut(**settings):
    """The system under test with the given region settings (not started)."""
    if sut_kind() == "redis":
        return redis_sut(**settings)
    return MeridianServer(**settings)
