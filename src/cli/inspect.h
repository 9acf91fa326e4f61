#pragma once
// `meridian inspect --data-dir DIR`: every record of a stopped region's
// RocksDB database, through RocksDB itself (so compressed table blocks are
// decoded), written raw to stdout as "column NUL key NUL value LF". For
// audits such as the sovereignty test: a plain byte search of the files
// misses what compression hides.
#include <string>

namespace meridian {

// Returns the process exit code.
int run_inspect(const std::string& db_dir);

}  // namespace meridian
