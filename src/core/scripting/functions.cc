#include "core/scripting/functions.h"

#include <algorithm>
#include <cctype>

#include "core/base/coding.h"

namespace meridian {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "#!<engine> name=<library>": the library's name, or nothing with Redis'
// error.
std::optional<std::string> parse_metadata(std::string_view code, std::string* error) {
  if (!code.starts_with("#!")) {
    *error = "ERR Missing library metadata";
    return std::nullopt;
  }
  std::string_view line = code.substr(2, code.find('\n') - 2);
  std::vector<std::string_view> words;
  while (!line.empty()) {
    size_t start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    size_t end = std::min(line.find(' '), line.size());
    words.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
  if (words.empty() || lower(words[0]) != "lua") {
    *error = "ERR Engine '" + std::string(words.empty() ? "" : words[0]) + "' not found";
    return std::nullopt;
  }
  std::optional<std::string> name;
  for (size_t i = 1; i < words.size(); ++i) {
    if (!words[i].starts_with("name=")) {
      *error = "ERR Invalid metadata value given: " + std::string(words[i]);
      return std::nullopt;
    }
    name = std::string(words[i].substr(5));
  }
  if (!name) {
    *error = "ERR Library name was not given";
    return std::nullopt;
  }
  if (!Scripts::valid_name(*name)) {
    *error =
        "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
        "least one character long";
    return std::nullopt;
  }
  return name;
}

}  // namespace

bool Functions::Function::no_writes() const {
  return std::find(flags.begin(), flags.end(), "no-writes") != flags.end();
}

Functions::Functions(Scripts& scripts) : scripts_(scripts) {
  // SCRIPT FLUSH renews the interpreter: the libraries load into the new one.
  scripts_.on_reset = [this] { restore(blob()); };
}

std::optional<std::string> Functions::load(std::string_view code, bool replace,
                                           std::string* error) {
  auto name = parse_metadata(code, error);
  if (!name) return std::nullopt;
  auto old = libraries_.find(*name);
  if (old != libraries_.end() && !replace) {
    *error = "ERR Library '" + *name + "' already exists";
    return std::nullopt;
  }
  auto registered = scripts_.load_library(code, error);
  if (!registered) return std::nullopt;
  std::vector<std::string> add;
  for (const auto& r : *registered) {
    auto f = functions_.find(r.name);
    if (f != functions_.end() && f->second.library != *name) {
      scripts_.commit_library({}, {});  // forget the registrations
      *error = "ERR Function " + r.name + " already exists";
      return std::nullopt;
    }
    add.push_back(r.name);
  }
  std::vector<std::string> remove;
  if (old != libraries_.end()) {
    for (const auto& f : old->second.functions) {
      if (std::find(add.begin(), add.end(), f) == add.end()) remove.push_back(f);
      functions_.erase(f);
    }
  }
  scripts_.commit_library(add, remove);
  Library& lib = libraries_[*name];
  lib = Library{*name, std::string(code), add};
  for (const auto& r : *registered) {
    functions_[r.name] = Function{r.name, r.description, *name, r.flags};
  }
  return name;
}

bool Functions::remove(std::string_view library) {
  auto it = libraries_.find(std::string(library));
  if (it == libraries_.end()) return false;
  for (const auto& f : it->second.functions) functions_.erase(f);
  scripts_.commit_library({}, it->second.functions);
  libraries_.erase(it);
  return true;
}

void Functions::flush() {
  while (!libraries_.empty()) remove(libraries_.begin()->first);
}

bool Functions::restore_libraries(const std::vector<std::string>& codes, RestorePolicy policy,
                                  std::string* error) {
  if (policy == RestorePolicy::kAppend) {
    for (const auto& code : codes) {
      auto name = parse_metadata(code, error);
      if (!name) return false;
      if (libraries_.count(*name) > 0) {
        *error = "ERR Library " + *name + " already exists";
        return false;
      }
    }
  }
  const std::string before = blob();
  if (policy == RestorePolicy::kFlush) flush();
  for (const auto& code : codes) {
    if (!load(code, policy != RestorePolicy::kAppend, error)) {
      // All or none: back to the libraries there were.
      flush();
      restore(before);
      return false;
    }
  }
  return true;
}

const Functions::Function* Functions::find(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

void Functions::call(const Function& f, const std::vector<std::string_view>& keys,
                     const std::vector<std::string_view>& args, const Scripts::Call& call,
                     Reply& reply) {
  scripts_.run_function(f.name, keys, args, call, reply);
}

std::string Functions::blob() const {
  std::string out;
  for (const auto& [name, lib] : libraries_) coding::put_bytes(out, lib.code);
  return out;
}

void Functions::restore(std::string_view blob) {
  libraries_.clear();
  functions_.clear();
  std::string_view code;
  std::string error;
  while (coding::get_bytes(blob, &code)) load(code, false, &error);
}

}  // namespace meridian
