#include "core/settings/consistency.h"

#include <cctype>
#include <charconv>

namespace meridian {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> parse_write_policy(std::string_view text, WritePolicy* out) {
  std::string t = lower(trim(text));
  WritePolicy p = *out;
  if (t == "async") {
    p.mode = WriteMode::kAsync;
    p.regions = 0;
  } else if (t == "sync") {
    p.mode = WriteMode::kSync;
    p.regions = 0;
  } else if (t.rfind("semi-sync", 0) == 0) {
    std::string_view rest = trim(std::string_view(t).substr(9));
    if (!rest.empty() && rest.front() == '=') rest = trim(rest.substr(1));
    int n = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (rest.empty() || ec != std::errc() || ptr != rest.data() + rest.size() || n < 1) {
      return "semi-sync needs the number of other regions to wait for, e.g. \"semi-sync 1\"";
    }
    p.mode = WriteMode::kSemiSync;
    p.regions = n;
  } else {
    return "unknown write mode \"" + std::string(text) +
           "\" (expected \"async\", \"semi-sync N\" or \"sync\")";
  }
  *out = p;
  return std::nullopt;
}

std::optional<std::string> parse_read_policy(std::string_view text, ReadPolicy* out) {
  std::string t = lower(trim(text));
  if (t == "local") {
    out->level = ReadLevel::kLocal;
  } else if (t == "leader") {
    out->level = ReadLevel::kLeader;
  } else if (t == "quorum") {
    out->level = ReadLevel::kQuorum;
  } else if (t == "session") {
    out->level = ReadLevel::kSession;
  } else {
    return "unknown read level \"" + std::string(text) +
           "\" (expected \"local\", \"leader\", \"quorum\" or \"session\")";
  }
  return std::nullopt;
}

std::optional<crdt::Policy> parse_conflict_policy(std::string_view text) {
  std::string t = lower(trim(text));
  if (t == "crdt") return crdt::Policy::kCrdt;
  if (t == "lww") return crdt::Policy::kLww;
  if (t == "fww") return crdt::Policy::kFww;
  if (t == "siblings") return crdt::Policy::kSiblings;
  if (t == "region-priority") return crdt::Policy::kRegionPriority;
  return std::nullopt;
}

std::string format_token(const VersionVector& token) {
  std::string out;
  for (const auto& [r, s] : token.entries()) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(r) + ":" + std::to_string(s);
  }
  return out;
}

bool parse_token(std::string_view text, VersionVector* out) {
  VersionVector v;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos) return false;
    uint64_t r = 0, s = 0;
    auto a = std::from_chars(part.data(), part.data() + colon, r);
    auto b = std::from_chars(part.data() + colon + 1, part.data() + part.size(), s);
    if (a.ec != std::errc() || a.ptr != part.data() + colon || b.ec != std::errc() ||
        b.ptr != part.data() + part.size() || colon == 0 || r > UINT32_MAX) {
      return false;
    }
    if (s > v.get(static_cast<RegionId>(r))) v.set(static_cast<RegionId>(r), s);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;
  }
  *out = v;
  return true;
}

namespace {

bool parse_ms(std::string_view s, int64_t* out) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return false;
  *out = v;
  return true;
}

}  // namespace

std::optional<std::string> parse_policy_args(const std::vector<std::string_view>& args, size_t* pos,
                                             const WritePolicy& write_defaults,
                                             const ReadPolicy& read_defaults, PolicyArgs* out) {
  size_t& i = *pos;
  auto timeout_follows = [&](int64_t* t) {
    int64_t v = 0;
    if (i < args.size() && parse_ms(args[i], &v)) {
      *t = v;
      ++i;
    }
  };
  while (i < args.size()) {
    std::string w = lower(args[i]);
    if (w == "async" || w == "sync" || w == "semi-sync") {
      if (out->write) return "more than one write mode given";
      WritePolicy p = write_defaults;
      ++i;
      if (w == "semi-sync") {
        int64_t n = 0;
        if (i >= args.size() || !parse_ms(args[i], &n) || n < 1 || n > 1000) {
          return "SEMI-SYNC needs the number of other regions to wait for, e.g. SEMI-SYNC 1";
        }
        p.mode = WriteMode::kSemiSync;
        p.regions = static_cast<int>(n);
        ++i;
      } else {
        p.mode = w == "sync" ? WriteMode::kSync : WriteMode::kAsync;
        p.regions = 0;
      }
      if (p.mode != WriteMode::kAsync) timeout_follows(&p.timeout_ms);
      if (p.timeout_ms < 0) return "timeout is negative";
      out->write = p;
    } else if (w == "local" || w == "leader" || w == "quorum" || w == "session") {
      if (out->read) return "more than one read level given";
      ReadPolicy p = read_defaults;
      parse_read_policy(w, &p);
      ++i;
      if (p.level == ReadLevel::kSession && i < args.size() &&
          args[i].find(':') != std::string_view::npos) {
        VersionVector t;
        if (!parse_token(args[i], &t)) {
          return "invalid session token (expected what MR.TOKEN returned, e.g. 1:57,3:4)";
        }
        out->token = t;
        ++i;
      }
      if (p.level != ReadLevel::kLocal) timeout_follows(&p.timeout_ms);
      if (p.timeout_ms < 0) return "timeout is negative";
      out->read = p;
    } else {
      break;
    }
  }
  return std::nullopt;
}

std::string describe(const WritePolicy& p) {
  switch (p.mode) {
    case WriteMode::kAsync:
      return "async";
    case WriteMode::kSync:
      return "sync";
    case WriteMode::kSemiSync:
      return "semi-sync " + std::to_string(p.regions);
  }
  return "async";
}

const char* describe(ReadLevel level) {
  switch (level) {
    case ReadLevel::kLocal:
      return "local";
    case ReadLevel::kLeader:
      return "leader";
    case ReadLevel::kQuorum:
      return "quorum";
    case ReadLevel::kSession:
      return "session";
  }
  return "local";
}

}  // namespace meridian
