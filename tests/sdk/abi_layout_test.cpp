// SPDX-License-Identifier: Apache-2.0
// The ABI baseline check: every struct, field, slot signature and constant of abi.h, measured in this build and
// compared with sdk/abi/baseline-1.txt, the layout of ABI 1 written down once. A line of the baseline that changed
// or went is an incompatible change and fails with the line's name, what it was and what it is now. What ABI 1
// allows passes: a slot appended to the end of a table (with a minor bump), a new constant, a new struct.
//
// To record slots a new minor appended, run the test with ATSYNC_ABI_WRITE_BASELINE=<file> and review the diff:
// only added lines (and the minor's value) may differ.
#include <atsync/sdk/abi.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

// --- A compiler-independent spelling of a C type, so a slot's signature can be written in the baseline. ---

template <class T>
struct TypeName;
#define ATSYNC_TYPE_NAME(T, text) \
  template <>                     \
  struct TypeName<T> {            \
    static std::string get() { return text; } \
  }
ATSYNC_TYPE_NAME(void, "void");
ATSYNC_TYPE_NAME(char, "char");
ATSYNC_TYPE_NAME(std::uint8_t, "u8");
ATSYNC_TYPE_NAME(std::uint16_t, "u16");
ATSYNC_TYPE_NAME(std::int32_t, "i32");
ATSYNC_TYPE_NAME(std::uint32_t, "u32");
ATSYNC_TYPE_NAME(std::int64_t, "i64");
ATSYNC_TYPE_NAME(std::size_t, "size_t");
ATSYNC_TYPE_NAME(atsync_buffer, "atsync_buffer");
ATSYNC_TYPE_NAME(atsync_host_context, "atsync_host_context");
ATSYNC_TYPE_NAME(atsync_instance, "atsync_instance");
ATSYNC_TYPE_NAME(atsync_version_header, "atsync_version_header");
ATSYNC_TYPE_NAME(atsync_host_api, "atsync_host_api");
ATSYNC_TYPE_NAME(atsync_plugin_api, "atsync_plugin_api");
#undef ATSYNC_TYPE_NAME
template <class T>
struct TypeName<const T> {
  static std::string get() { return "const " + TypeName<T>::get(); }
};
template <class T>
struct TypeName<T*> {
  static std::string get() { return TypeName<T>::get() + "*"; }
};
template <class R, class... Args>
struct TypeName<R (*)(Args...)> {
  static std::string get() {
    std::string out = TypeName<R>::get() + "(*)(";
    const char* sep = "";
    ((out += sep + TypeName<Args>::get(), sep = ","), ...);
    return out + ")";
  }
};

// --- The facts this build has: one line each, "<kind> <name> <value...>". ---

struct Facts {
  std::map<std::string, std::string> lines;  // key "<kind> <name>" -> value
  std::vector<std::string> order;            // keys in the order written
  std::vector<std::string> problems;         // the field list does not describe the header completely

  void add(std::string key, std::string value) {
    order.push_back(key);
    lines.emplace(std::move(key), std::move(value));
  }
};

/// Records a struct and its fields, and checks the fields tile it (no field of abi.h left out of the list below).
template <class S>
class StructFacts {
 public:
  StructFacts(Facts& facts, std::string name, std::string kind) : facts_(facts), name_(std::move(name)) {
    facts_.add(kind + " " + name_, "size " + std::to_string(sizeof(S)) + " align " + std::to_string(alignof(S)));
  }
  template <class F>
  StructFacts& field(const std::string& field_name, std::size_t offset) {
    if (offset < end_) {
      facts_.problems.push_back(name_ + "." + field_name + " is at " + std::to_string(offset) +
                                ", before the end of the field listed before it (" + std::to_string(end_) +
                                "): abi.h reordered its fields");
    }
    if (offset >= end_ + alignof(F)) {
      facts_.problems.push_back(name_ + "." + field_name + " is at " + std::to_string(offset) +
                                " but the field listed before it ends at " + std::to_string(end_) +
                                ": a field of abi.h is missing from this list, or abi.h reordered its fields");
    }
    end_ = offset + sizeof(F);
    facts_.add("field " + name_ + "." + field_name, "offset " + std::to_string(offset) + " size " +
                                                        std::to_string(sizeof(F)) + " type " + TypeName<F>::get());
    return *this;
  }
  ~StructFacts() {
    if (sizeof(S) >= end_ + alignof(S)) {
      facts_.problems.push_back(name_ + " is " + std::to_string(sizeof(S)) + " bytes but its listed fields end at " +
                                std::to_string(end_) + ": list the new field (a slot appended?) in abi_layout_test.cpp");
    }
  }

 private:
  Facts& facts_;
  std::string name_;
  std::size_t end_ = 0;
};

#define FIELD(S, f) field<decltype(S::f)>(#f, offsetof(S, f))

Facts currentFacts() {
  Facts facts;
  facts.add("constant ATSYNC_ABI_VERSION_MAJOR", std::to_string(ATSYNC_ABI_VERSION_MAJOR));
  facts.add("minor ATSYNC_ABI_VERSION_MINOR", std::to_string(ATSYNC_ABI_VERSION_MINOR));
  facts.add("constant ATSYNC_PLUGIN_ENTRY_SYMBOL", ATSYNC_PLUGIN_ENTRY_SYMBOL);
  facts.add("constant ATSYNC_PLUGIN_API_SIZE_1_0", std::to_string(ATSYNC_PLUGIN_API_SIZE_1_0));
  facts.add("constant ATSYNC_HOST_API_SIZE_1_0", std::to_string(ATSYNC_HOST_API_SIZE_1_0));
  facts.add("constant ATSYNC_STATUS_OK", std::to_string(ATSYNC_STATUS_OK));
  facts.add("constant ATSYNC_STATUS_ERROR", std::to_string(ATSYNC_STATUS_ERROR));
  facts.add("constant ATSYNC_STATUS_NOT_FOUND", std::to_string(ATSYNC_STATUS_NOT_FOUND));
  facts.add("constant ATSYNC_LOG_DEBUG", std::to_string(ATSYNC_LOG_DEBUG));
  facts.add("constant ATSYNC_LOG_INFO", std::to_string(ATSYNC_LOG_INFO));
  facts.add("constant ATSYNC_LOG_WARN", std::to_string(ATSYNC_LOG_WARN));
  facts.add("constant ATSYNC_LOG_ERROR", std::to_string(ATSYNC_LOG_ERROR));
  facts.add("typedef atsync_status", TypeName<atsync_status>::get());
  facts.add("typedef atsync_log_level", TypeName<atsync_log_level>::get());
  facts.add("typedef atsync_plugin_entry_fn", TypeName<atsync_plugin_entry_fn>::get());

  StructFacts<atsync_buffer>(facts, "atsync_buffer", "struct")
      .FIELD(atsync_buffer, data)
      .FIELD(atsync_buffer, size);
  StructFacts<atsync_version_header>(facts, "atsync_version_header", "struct")
      .FIELD(atsync_version_header, struct_size)
      .FIELD(atsync_version_header, abi_major)
      .FIELD(atsync_version_header, abi_minor);
  // Tables: they may grow at the end (kind "table"); their fields are slots.
  StructFacts<atsync_host_api>(facts, "atsync_host_api", "table")
      .FIELD(atsync_host_api, header)
      .FIELD(atsync_host_api, callback_log)
      .FIELD(atsync_host_api, callback_report_error)
      .FIELD(atsync_host_api, callback_http)
      .FIELD(atsync_host_api, callback_state_get)
      .FIELD(atsync_host_api, callback_state_put)
      .FIELD(atsync_host_api, callback_clock_now_ms)
      .FIELD(atsync_host_api, callback_buffer_free);
  StructFacts<atsync_plugin_api>(facts, "atsync_plugin_api", "table")
      .FIELD(atsync_plugin_api, header)
      .FIELD(atsync_plugin_api, on_describe)
      .FIELD(atsync_plugin_api, on_instance_create)
      .FIELD(atsync_plugin_api, on_instance_destroy)
      .FIELD(atsync_plugin_api, on_invoke)
      .FIELD(atsync_plugin_api, on_buffer_free);
  return facts;
}

#undef FIELD

std::map<std::string, std::string> readBaseline(const std::string& path, std::vector<std::string>& order) {
  std::map<std::string, std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string kind;
    std::string name;
    words >> kind >> name;
    std::string value;
    std::getline(words >> std::ws, value);
    order.push_back(kind + " " + name);
    lines.emplace(kind + " " + name, value);
  }
  return lines;
}

std::size_t numberAfter(const std::string& value, const std::string& word) {
  std::istringstream in(value);
  std::string w;
  while (in >> w) {
    if (w == word) {
      std::size_t n = 0;
      in >> n;
      return n;
    }
  }
  return 0;
}

const std::string kBaseline = std::string(ATSYNC_SOURCE_DIR) + "/sdk/abi/baseline-1.txt";

TEST(AbiLayout, FieldListDescribesTheWholeHeader) {
  const Facts facts = currentFacts();
  for (const auto& p : facts.problems) ADD_FAILURE() << p;
}

TEST(AbiLayout, MatchesTheAbi1Baseline) {
  if (sizeof(void*) != 8) GTEST_SKIP() << "the baseline records the LP64 layout; this platform is not LP64";
  const Facts now = currentFacts();
  if (const char* out = std::getenv("ATSYNC_ABI_WRITE_BASELINE")) {
    std::ofstream file(out);
    file << "# The atsync plugin ABI 1 as released, on LP64 (x86-64, aarch64): written by tests/sdk/abi_layout_test.cpp\n"
            "# (ATSYNC_ABI_WRITE_BASELINE=<file>), checked by it on every test run. Lines may be added (a slot\n"
            "# appended to a table in a new minor, a new constant); no line may change or go within ABI 1.\n";
    for (const auto& key : now.order) file << key << " " << now.lines.at(key) << "\n";
    GTEST_SKIP() << "wrote the current layout to " << out;
  }

  std::vector<std::string> order;
  const auto baseline = readBaseline(kBaseline, order);
  ASSERT_FALSE(baseline.empty()) << "cannot read the ABI baseline " << kBaseline;

  std::map<std::string, std::size_t> baseline_table_bytes;
  for (const auto& key : order) {
    const std::string& was = baseline.at(key);
    const auto it = now.lines.find(key);
    if (it == now.lines.end()) {
      ADD_FAILURE() << key << ": in the ABI 1 baseline (" << was << ") but gone from abi.h — incompatible";
      continue;
    }
    const std::string& is = it->second;
    if (key.starts_with("minor ")) {
      EXPECT_GE(std::stoi(is), std::stoi(was)) << key << " went down from " << was << " to " << is;
    } else if (key.starts_with("table ")) {
      // A table may grow at the end; its alignment may not change, nor may it shrink.
      baseline_table_bytes[key.substr(6)] = numberAfter(was, "size");
      EXPECT_GE(numberAfter(is, "size"), numberAfter(was, "size")) << key << " shrank: was " << was << ", is " << is;
      EXPECT_EQ(numberAfter(is, "align"), numberAfter(was, "align")) << key << " changed alignment: was " << was
                                                                     << ", is " << is;
    } else if (is != was) {
      ADD_FAILURE() << key << " changed — incompatible with ABI 1: was '" << was << "', is '" << is << "'";
    }
  }

  // What the baseline does not have: compatible only when appended to a table past its released end.
  bool grew = false;
  for (const auto& key : now.order) {
    if (baseline.contains(key)) continue;
    if (key.starts_with("field ")) {
      const std::string owner = key.substr(6, key.find('.') - 6);
      const auto table = baseline_table_bytes.find(owner);
      if (baseline.contains("struct " + owner)) {
        ADD_FAILURE() << key << " added to " << owner << ", whose layout is frozen";
      } else if (table != baseline_table_bytes.end()) {
        if (numberAfter(now.lines.at(key), "offset") < table->second) {
          ADD_FAILURE() << key << " inserted inside the released " << owner << " (" << table->second
                        << " bytes): slots may only be appended at the end";
        } else {
          grew = true;
          std::cout << "appended since the baseline (compatible): " << key << " " << now.lines.at(key) << "\n";
        }
      }
    } else {
      std::cout << "new since the baseline (compatible): " << key << " " << now.lines.at(key) << "\n";
    }
  }
  if (grew) {
    EXPECT_GT(std::stoi(now.lines.at("minor ATSYNC_ABI_VERSION_MINOR")),
              std::stoi(baseline.at("minor ATSYNC_ABI_VERSION_MINOR")))
        << "a table grew but ATSYNC_ABI_VERSION_MINOR did not: appending a slot requires a new minor";
  }
}

}  // namespace
