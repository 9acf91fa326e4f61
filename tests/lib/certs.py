"""Test certificates, made by the openssl command line: a CA, and
certificates it signs for servers (with 127.0.0.1 and localhost as names)
and clients. Keys are 2048-bit RSA, valid for two days."""

import os
import subprocess


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


class CertAuthority:
    """A CA in `directory`; issue() writes NAME.crt and NAME.key signed by it."""

    def __init__(self, directory, name="ca"):
        self.dir = directory
        self.name = name
        os.makedirs(directory, exist_ok=True)
        self.cert = os.path.join(directory, name + ".crt")
        self.key = os.path.join(directory, name + ".key")
        _openssl("req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", self.key,
                 "-out", self.cert, "-days", "2", "-subj", "/CN=Meridian test CA " + name,
                 cwd=directory)

    def issue(self, name, common_name=None, server=False):
        """(cert path, key path) of a new certificate for `common_name`
        (default: name); a server one also names 127.0.0.1 and localhost."""
        crt = os.path.join(self.dir, name + ".crt")
        key = os.path.join(self.dir, name + ".key")
        csr = os.path.join(self.dir, name + ".csr")
        _openssl("req", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", key, "-out", csr,
                 "-subj", "/CN=" + (common_name or name), cwd=self.dir)
        ext = os.path.join(self.dir, name + ".ext")
        with open(ext, "w") as f:
            names = "IP:127.0.0.1,DNS:localhost" if server else "DNS:" + (common_name or name)
            f.write("subjectAltName=%s\n" % names)
        _openssl("x509", "-req", "-in", csr, "-CA", self.cert, "-CAkey", self.key,
                 "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext, cwd=self.dir)
        return crt, key
