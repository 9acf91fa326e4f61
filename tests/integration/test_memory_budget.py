"""[server] memory_budget_mb: the caches and memtables get their shares of
it, INFO memory says where the memory is, and a bad setting is refused."""

from lib.harness import wait_until

MIB = 1 << 20


def test_budget_splits_into_caches_memtables_and_reserve(meridian_factory):
    budget = 64 * MIB
    s = meridian_factory(memory_budget_mb=64)
    c = s.conn()
    m = c.info("memory")
    assert int(m["memory_budget"]) == budget and m["memory_budget_human"] == "64.00M"
    # 40% record caches, 20% block cache with table readers, 15% memtables
    assert int(m["record_cache_limit"]) == budget // 100 * 32 // 4 * 5
    assert int(m["storage_memtables_limit"]) == budget // 100 * 15
    share = budget // 100 * 20
    assert share // 16 <= int(m["storage_block_cache_limit"]) <= share
    # ~24 MiB of values: more than twice the memtables' share, which
    # flushes keep it within (RocksDB alone would hold 16 MiB per column)
    value = b"v" * 1024
    for batch in range(24):
        c.pipeline(*[("SET", "k:%d:%d" % (batch, i), value) for i in range(1000)])
    m = wait_until(lambda: (lambda m: int(m["storage_disk"]) > 0 and m)(c.info("memory")),
                   desc="a memtable flushed to a table file")
    assert int(m["storage_memtables"]) <= int(m["storage_memtables_limit"]) * 5 // 4, m
    for batch in range(24):
        c.pipeline(*[("GET", "k:%d:%d" % (batch, i)) for i in range(0, 1000, 7)])
    m = c.info("memory")
    assert int(m["storage_block_cache"]) <= int(m["storage_block_cache_limit"]), m
    # the cache makes room for the table files' index and filters (fitted once a second)
    m = wait_until(lambda: (lambda m: int(m["storage_block_cache_limit"]) + min(
        int(m["storage_table_readers"]), share - share // 16) == share and m)(c.info("memory")),
        desc="block cache fitted to what the table readers leave")
    caches = int(m["record_cache_memory"])
    assert 0 < caches <= int(m["record_cache_limit"]), m
    # the parts and the rest add up to the resident set
    parts = caches + int(m["storage_memory"]) + int(m["other_memory"])
    assert abs(parts - int(m["used_memory_rss"])) < MIB, m
    assert c.call("GET", "k:23:999") == value


def test_without_a_budget_the_defaults_hold(meridian_factory):
    c = meridian_factory().conn()
    m = c.info("memory")
    assert m["memory_budget"] == "0"
    assert int(m["record_cache_limit"]) == 256 * MIB // 4 * 5
    assert m["storage_memtables_limit"] == "0"
    assert int(m["storage_block_cache_limit"]) == 128 * MIB


def test_bad_budgets_are_refused(meridian_factory):
    s = meridian_factory(start=False, memory_budget_mb=16)
    rc, log = s.run_to_exit()
    assert rc != 0 and "server.memory_budget_mb" in log and "from 64 to" in log, log
    s = meridian_factory(start=False, memory_budget_mb=256, cache_mb=64)
    rc, log = s.run_to_exit()
    assert rc != 0 and "set either memory_budget_mb or cache_mb, not both" in log, log
