#include "cli/inspect.h"

#include <rocksdb/db.h>

#include <cstdio>
#include <memory>
#include <vector>

namespace meridian {

int run_inspect(const std::string& db_dir) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db_dir, &names);
  if (!s.ok()) {
    std::fprintf(stderr, "meridian: no database in %s: %s\n", db_dir.c_str(), s.ToString().c_str());
    return 1;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  cfs.reserve(names.size());
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), db_dir, cfs, &handles, &raw);
  if (!s.ok()) {
    std::fprintf(stderr, "meridian: cannot open %s: %s\n", db_dir.c_str(), s.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  uint64_t records = 0;
  for (size_t i = 0; i < handles.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::fwrite(names[i].data(), 1, names[i].size(), stdout);
      std::fputc(0, stdout);
      std::fwrite(it->key().data(), 1, it->key().size(), stdout);
      std::fputc(0, stdout);
      std::fwrite(it->value().data(), 1, it->value().size(), stdout);
      std::fputc('\n', stdout);
      ++records;
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  std::fprintf(stderr, "%llu records in %zu column families\n",
               static_cast<unsigned long long>(records), handles.size());
  return 0;
}

}  // namespace meridian
