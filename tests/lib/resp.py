"""A tiny raw RESP2/RESP3 client and parser for tests.

`RespConn.call(*args)` sends one command as a RESP array and returns exactly one
reply as raw bytes. `parse(raw)` turns raw bytes into a Python value that keeps
RESP3 types distinguishable (see the classes below). `normalize_unordered(raw)`
re-sorts the elements of a top-level aggregate (for replies whose order Redis
does not define: SMEMBERS, KEYS, HGETALL, ...). `plain(value)` drops the RESP3
types for scripts that only want str/int/list (the benchmarks).
"""

import socket
import time


class Incomplete(Exception):
    """The buffer does not hold a whole reply yet."""


class ProtocolViolation(Exception):
    """The peer sent bytes that are not valid RESP."""


# ---------------------------------------------------------------- value types

class Simple(str):
    """RESP simple string (+...)."""

    def __repr__(self):
        return "Simple(%s)" % str.__repr__(self)


class Err(str):
    """RESP error (-...) or RESP3 blob error (!...)."""

    blob = False

    @property
    def code(self):
        return self.split(" ", 1)[0]

    def __repr__(self):
        return "Err(%s)" % str.__repr__(self)


class Verbatim(bytes):
    """RESP3 verbatim string (=...); .fmt holds the 3-letter format."""

    fmt = b"txt"

    def __repr__(self):
        return "Verbatim(%s, %s)" % (self.fmt, bytes.__repr__(self))


class Double(float):
    """RESP3 double (,...); .raw keeps the exact text."""

    raw = b""

    def __repr__(self):
        return "Double(%s)" % self.raw.decode()


class BigNumber(int):
    """RESP3 big number ((...)."""

    def __repr__(self):
        return "BigNumber(%d)" % int(self)


class Boolean:
    """RESP3 boolean (#t / #f)."""

    def __init__(self, value):
        self.value = bool(value)

    def __bool__(self):
        return self.value

    def __eq__(self, other):
        return isinstance(other, Boolean) and other.value == self.value

    def __hash__(self):
        return hash(("Boolean", self.value))

    def __repr__(self):
        return "Boolean(%s)" % self.value


class _NullType:
    def __init__(self, name):
        self.name = name

    def __bool__(self):
        return False

    def __repr__(self):
        return self.name


NULL_BULK = _NullType("NULL_BULK")    # RESP2 $-1
NULL_ARRAY = _NullType("NULL_ARRAY")  # RESP2 *-1
NULL = _NullType("NULL")              # RESP3 _


def is_null(v):
    return v is NULL_BULK or v is NULL_ARRAY or v is NULL


class Array(list):
    """RESP array (*...)."""


class RespSet(list):
    """RESP3 set (~...). Kept as a list: elements may be unhashable."""

    def __repr__(self):
        return "RespSet(%s)" % list.__repr__(self)


class Push(list):
    """RESP3 push (>...)."""

    def __repr__(self):
        return "Push(%s)" % list.__repr__(self)


class RespMap(list):
    """RESP3 map (%...): a list of (key, value) pairs in wire order."""

    def to_dict(self):
        out = {}
        for k, v in self:
            out[_hashable(k)] = v
        return out

    def get(self, key, default=None):
        if isinstance(key, str):
            key = key.encode()
        for k, v in self:
            kk = k.encode() if isinstance(k, str) else k
            if kk == key:
                return v
        return default

    def __repr__(self):
        return "RespMap(%s)" % list.__repr__(self)


class Attribute(RespMap):
    """RESP3 attribute (|...). Returned wrapped: `AttributedReply`."""


class AttributedReply:
    def __init__(self, attrs, value):
        self.attrs = attrs
        self.value = value

    def __repr__(self):
        return "AttributedReply(%r, %r)" % (self.attrs, self.value)


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, bytes):
        return bytes(v)
    if isinstance(v, str):
        return str(v)
    return v


# --------------------------------------------------------------------- parser

def _line(buf, pos):
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    return buf[pos:end], end + 2


def _int(text, what):
    try:
        if not text or text.strip() != text:
            raise ValueError
        return int(text)
    except ValueError:
        raise ProtocolViolation("bad %s: %r" % (what, text))


def parse_at(buf, pos=0):
    """Parse one reply at buf[pos:]. Returns (value, end). Raises Incomplete."""
    if pos >= len(buf):
        raise Incomplete()
    t = bytes(buf[pos:pos + 1])
    line, nxt = _line(buf, pos + 1)
    if t == b"+":
        return Simple(line.decode("utf-8", "surrogateescape")), nxt
    if t == b"-":
        return Err(line.decode("utf-8", "surrogateescape")), nxt
    if t == b":":
        return _int(line, "integer"), nxt
    if t in (b"$", b"!", b"="):
        n = _int(line, "length")
        if n == -1 and t == b"$":
            return NULL_BULK, nxt
        if n < 0:
            raise ProtocolViolation("negative length %d" % n)
        if len(buf) < nxt + n + 2:
            raise Incomplete()
        data = buf[nxt:nxt + n]
        if buf[nxt + n:nxt + n + 2] != b"\r\n":
            raise ProtocolViolation("bulk not terminated by CRLF")
        end = nxt + n + 2
        if t == b"$":
            return bytes(data), end
        if t == b"!":
            e = Err(data.decode("utf-8", "surrogateescape"))
            e.blob = True
            return e, end
        v = Verbatim(data[4:])
        v.fmt = bytes(data[:3])
        return v, end
    if t == b"_":
        if line:
            raise ProtocolViolation("null with payload")
        return NULL, nxt
    if t == b",":
        txt = line.decode()
        low = txt.lower()
        if low in ("inf", "+inf"):
            f = float("inf")
        elif low == "-inf":
            f = float("-inf")
        elif low == "nan":
            f = float("nan")
        else:
            try:
                f = float(txt)
            except ValueError:
                raise ProtocolViolation("bad double %r" % line)
        d = Double(f)
        d.raw = bytes(line)
        return d, nxt
    if t == b"#":
        if line == b"t":
            return Boolean(True), nxt
        if line == b"f":
            return Boolean(False), nxt
        raise ProtocolViolation("bad boolean %r" % line)
    if t == b"(":
        return BigNumber(_int(line, "big number")), nxt
    if t in (b"*", b"~", b">"):
        n = _int(line, "aggregate length")
        if n == -1 and t == b"*":
            return NULL_ARRAY, nxt
        if n < 0:
            raise ProtocolViolation("negative aggregate length")
        items = []
        p = nxt
        for _ in range(n):
            v, p = parse_at(buf, p)
            items.append(v)
        cls = {b"*": Array, b"~": RespSet, b">": Push}[t]
        return cls(items), p
    if t in (b"%", b"|"):
        n = _int(line, "map length")
        if n < 0:
            raise ProtocolViolation("negative map length")
        pairs = []
        p = nxt
        for _ in range(n):
            k, p = parse_at(buf, p)
            v, p = parse_at(buf, p)
            pairs.append((k, v))
        if t == b"%":
            return RespMap(pairs), p
        value, p = parse_at(buf, p)
        return AttributedReply(Attribute(pairs), value), p
    raise ProtocolViolation("unknown type byte %r at %d" % (t, pos))


def parse(raw):
    """Parse exactly one reply from raw bytes."""
    v, end = parse_at(raw, 0)
    if end != len(raw):
        raise ProtocolViolation("trailing bytes after reply: %r" % raw[end:])
    return v


def split_aggregate(raw):
    """For an aggregate reply returns (type_byte, header, [child_raw...]).

    For maps/attributes each child is the raw bytes of one key+value pair.
    For non-aggregates returns (type_byte, raw, None).
    """
    t = bytes(raw[:1])
    if t not in (b"*", b"~", b">", b"%"):
        return t, raw, None
    line, nxt = _line(raw, 1)
    n = _int(line, "aggregate length")
    if n < 0:
        return t, raw, None
    header = raw[:nxt]
    children = []
    p = nxt
    per = 2 if t == b"%" else 1
    for _ in range(n):
        start = p
        for _ in range(per):
            _, p = parse_at(raw, p)
        children.append(raw[start:p])
    if p != len(raw):
        raise ProtocolViolation("trailing bytes")
    return t, header, children


def normalize_unordered(raw, pairs=False):
    """Sort the elements of a top-level aggregate. With pairs=True a flat
    RESP2 array is treated as key,value pairs (HGETALL)."""
    t, header, children = split_aggregate(raw)
    if children is None:
        return raw
    if pairs and t != b"%":
        if len(children) % 2:
            return raw
        children = [children[i] + children[i + 1]
                    for i in range(0, len(children), 2)]
    return header + b"".join(sorted(children))


def plain(v, encoding="utf-8"):
    """A parsed reply as plain Python values: simple, bulk and verbatim
    strings -> str (decoded, undecodable bytes replaced), nulls -> None,
    arrays/sets/pushes -> list, maps -> a flat [k1, v1, k2, v2, ...] list,
    booleans -> bool, doubles -> float, big numbers -> int, attributes
    dropped. Errors stay `Err` (a str) so callers can still tell them apart."""
    if isinstance(v, Err):
        return v
    if isinstance(v, AttributedReply):
        return plain(v.value, encoding)
    if is_null(v):
        return None
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode(encoding, "replace")
    if isinstance(v, str):
        return str(v)
    if isinstance(v, Boolean):
        return bool(v)
    if isinstance(v, Double):
        return float(v)
    if isinstance(v, BigNumber):
        return int(v)
    if isinstance(v, RespMap):
        return [plain(x, encoding) for pair in v for x in pair]
    if isinstance(v, list):
        return [plain(x, encoding) for x in v]
    return v


def encode_command(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, bytes):
            b = a
        elif isinstance(a, str):
            b = a.encode("utf-8", "surrogateescape")
        else:
            b = str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(parts)


# --------------------------------------------------------------------- client

class ConnectionClosed(ConnectionError):
    """The peer closed the connection while a reply was expected."""


class RespConn:
    """A blocking raw RESP connection."""

    def __init__(self, host, port, timeout=10.0, connect_timeout=5.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(timeout)
        self.buf = bytearray()

    # raw I/O
    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, *args):
        self.sock.sendall(encode_command(*args))

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("timed out waiting for a reply")
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed("connection closed by peer; unparsed: %r"
                                   % bytes(self.buf[:200]))
        self.buf += chunk

    def read_raw(self, timeout=None):
        """Read exactly one reply and return its raw bytes."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            try:
                _, end = parse_at(self.buf, 0)
            except Incomplete:
                self._fill(deadline)
                continue
            raw = bytes(self.buf[:end])
            del self.buf[:end]
            return raw

    def read(self, timeout=None):
        return parse(self.read_raw(timeout))

    def has_pending(self):
        """Whether a reply (or part of one) has arrived and is not read yet."""
        if self.buf:
            return True
        self.sock.setblocking(False)
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return False
        finally:
            self.sock.settimeout(self.timeout)
        if not chunk:
            raise ConnectionClosed("connection closed by peer")
        self.buf += chunk
        return True

    def call_raw(self, *args):
        self.send(*args)
        return self.read_raw()

    def call(self, *args):
        """Send a command and return its parsed reply (errors are returned as Err)."""
        return parse(self.call_raw(*args))

    def info(self, section):
        """INFO `section` as a dict of its fields (values as strings)."""
        text = self.call("INFO", section)
        text = text.decode() if isinstance(text, bytes) else str(text)
        return dict(line.split(":", 1) for line in text.splitlines()
                    if line and not line.startswith("#"))

    def pipeline(self, *commands):
        """Send several commands (each a sequence of arguments) in one write
        and return their parsed replies in order (errors returned as Err)."""
        self.send_raw(b"".join(encode_command(*c) for c in commands))
        return [self.read() for _ in commands]

    # throughput loops: count replies instead of parsing them
    def recv_line_replies(self):
        """Receive what has arrived (one recv, blocking up to the timeout) and
        return how many whole replies it completed, for replies that are one
        line each (+OK, :N). Raises RuntimeError on an error reply and
        ConnectionClosed when the peer closes."""
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionClosed("connection closed by peer")
        self.buf += chunk
        lines = self.buf.count(b"\r\n")
        if lines:
            if b"-" in self.buf and any(l.startswith(b"-") for l in self.buf.split(b"\r\n")):
                raise RuntimeError("error reply: %r" % bytes(self.buf[:200]))
            del self.buf[:self.buf.rfind(b"\r\n") + 2]
        return lines

    def send_counted(self, payload, n):
        """Send pre-encoded commands (encode_command) and wait for their n
        one-line replies (see recv_line_replies)."""
        self.sock.sendall(payload)
        got = 0
        while got < n:
            got += self.recv_line_replies()
        return got

    def read_until_close(self, timeout=5.0):
        """Read everything until the peer closes. Returns the bytes read
        (including anything already buffered). If the peer does not close in
        time, raises socket.timeout; the bytes read so far stay in self.buf."""
        deadline = time.monotonic() + timeout
        data = bytearray(self.buf)
        self.buf.clear()
        while True:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise socket.timeout()
                self.sock.settimeout(remaining)
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return bytes(data)
            except socket.timeout:
                self.buf = data
                raise socket.timeout("peer did not close the connection within %.1fs; "
                                     "got %r" % (timeout, bytes(data[:300])))
            if not chunk:
                return bytes(data)
            data += chunk

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
