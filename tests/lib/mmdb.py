"""A minimal MaxMind DB (MMDB, format 2.0) writer for tests: IPv4 networks
mapped to a location (latitude, longitude), as GeoLite2-City has it. Written
from the published format specification; only what the tests need."""

import struct
import time


def _ctrl(type_, size):
    if type_ <= 7:
        first, ext = type_ << 5, b""
    else:
        first, ext = 0, bytes([type_ - 7])
    if size < 29:
        return bytes([first | size]) + ext
    if size < 285:
        return bytes([first | 29]) + ext + bytes([size - 29])
    return bytes([first | 30]) + ext + struct.pack(">H", size - 285)


def _uint(type_, v):
    b = v.to_bytes((v.bit_length() + 7) // 8, "big") if v else b""
    return _ctrl(type_, len(b)) + b


def encode(v):
    if isinstance(v, tuple):  # ("u16" | "u32" | "u64", value): the types metadata needs
        return _uint({"u16": 5, "u32": 6, "u64": 9}[v[0]], v[1])
    if isinstance(v, str):
        b = v.encode()
        return _ctrl(2, len(b)) + b
    if isinstance(v, float):
        return _ctrl(3, 8) + struct.pack(">d", v)
    if isinstance(v, int):
        return _uint(9, v)  # uint64
    if isinstance(v, dict):
        return _ctrl(7, len(v)) + b"".join(encode(k) + encode(x) for k, x in v.items())
    if isinstance(v, list):
        return _ctrl(11, len(v)) + b"".join(encode(x) for x in v)
    raise TypeError(v)


def write(path, networks):
    """networks: [("10.2.0.0/16", latitude, longitude), ...]"""
    data, pointers = b"", []
    for _, lat, lon in networks:
        pointers.append(len(data))
        data += encode({"location": {"latitude": float(lat), "longitude": float(lon)}})
    nodes = [[None, None]]  # None: empty; ("node", i); ("data", offset)
    for (cidr, _, _), ptr in zip(networks, pointers):
        addr, prefix = cidr.split("/")
        bits = int.from_bytes(bytes(int(x) for x in addr.split(".")), "big")
        node = 0
        for depth in range(int(prefix)):
            bit = (bits >> (31 - depth)) & 1
            if depth == int(prefix) - 1:
                nodes[node][bit] = ("data", ptr)
                break
            if nodes[node][bit] is None or nodes[node][bit][0] != "node":
                nodes.append([None, None])
                nodes[node][bit] = ("node", len(nodes) - 1)
            node = nodes[node][bit][1]
    count = len(nodes)

    def record(r):
        if r is None:
            return count
        return r[1] if r[0] == "node" else count + 16 + r[1]

    tree = b"".join(record(l).to_bytes(3, "big") + record(r).to_bytes(3, "big")
                    for l, r in nodes)
    meta = {"node_count": ("u32", count), "record_size": ("u16", 24), "ip_version": ("u16", 4),
            "database_type": "Meridian-Test-City", "languages": ["en"],
            "binary_format_major_version": ("u16", 2), "binary_format_minor_version": ("u16", 0),
            "build_epoch": ("u64", int(time.time())), "description": {"en": "test locations"}}
    with open(path, "wb") as f:
        f.write(tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" + encode(meta))
