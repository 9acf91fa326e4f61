"""Function libraries are kept in the region's storage: after a restart
(and after a kill -9 once the load was acknowledged) FCALL still finds
them, and SCRIPT FLUSH (which renews the interpreter) does not drop them."""

from lib import harness


def test_libraries_survive_restarts_and_script_flush():
    s = harness.make_sut()
    try:
        s.start()
        c = s.conn()
        code = ("#!lua name=keep\nredis.register_function('bump', function(keys, args) "
                "return redis.call('INCRBY', keys[1], args[1]) end)")
        assert c.call("FUNCTION", "LOAD", code) == b"keep"
        assert c.call("FCALL", "bump", "1", "n", "2") == 2
        assert c.call("SCRIPT", "FLUSH") == "OK"
        assert c.call("FCALL", "bump", "1", "n", "3") == 5
        c.close()
        s.kill9()
        s.start()
        c = s.conn()
        assert c.call("FCALL", "bump", "1", "n", "1") == 6
        assert c.call("FUNCTION", "DELETE", "keep") == "OK"
        c.close()
        s.restart()
        c = s.conn()
        assert str(c.call("FCALL", "bump", "1", "n", "1")) == "ERR Function not found"
        c.close()
    finally:
        s.cleanup()
