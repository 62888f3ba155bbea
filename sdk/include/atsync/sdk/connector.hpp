// SPDX-License-Identifier: Apache-2.0
#pragma once

// The base of every connector. A plugin writes a class that
//   - derives from Connector,
//   - has a constructor (sdk::Host, const boost::json::object& config) that throws OperationError
//     (code invalid_config) for a config it cannot use,
//   - has `static sdk::Description describe();` (capabilities are filled from the operation table),
//   - has `static std::span<const sdk::Operation<Self>> operations();`, its table of operations,
// and exports it with ATSYNC_PLUGIN(Class) (see plugin_export.hpp). An operation missing from the table is
// answered "not_supported" and never advertised. A table with a null method, a name that is not an operation of
// sdk/schema/operations.md (unless marked OperationKind::kPluginSpecific) or a name listed twice is refused when
// the plugin describes itself, so the host refuses the plugin; a `constexpr` table with a null method or an unknown
// name does not compile.

#include <atsync/sdk/description.hpp>
#include <atsync/sdk/detail/did_you_mean.hpp>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/host.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace atsync::sdk {

/// What an operation receives: its JSON document and optional raw bytes (a file to upload), both borrowed for the
/// call. The document lives in the call's arena (detail/json_io.hpp): anything copy-constructed from it
/// (`json::value kept = in.document;`) shares that arena and must not outlive the call — keep data as owned types
/// (value_to, std::string) or copy with an explicit resource, `json::value(v, json::storage_ptr())`. Returning it,
/// or parts of it, in the Output is fine: the output is serialised before the arena goes.
struct Input {
  const boost::json::value& document;
  std::span<const std::uint8_t> bytes;

  const boost::json::object& object(std::string_view what = "input") const {
    return detail::requireObject(document, what);
  }
};

/// What an operation returns: a JSON document and optional raw bytes (a downloaded file).
struct Output {
  boost::json::value document;
  std::vector<std::uint8_t> bytes;

  Output() = default;
  /// Implicit from anything a JSON value is made of, so an operation can `return boost::json::object{...};`.
  template <class T>
    requires std::is_constructible_v<boost::json::value, T&&>
  Output(T&& doc) : document(std::forward<T>(doc)) {}  // NOLINT: implicit on purpose
  Output(boost::json::value doc, std::vector<std::uint8_t> raw) : document(std::move(doc)), bytes(std::move(raw)) {}
};

/// Whether an operation table entry is one of sdk/schema/operations.md (op::kAll) or an operation of the plugin's
/// own, which only `atsync invoke` and the conformance kit's `Target::inputs` call.
enum class OperationKind { kStandard, kPluginSpecific };

namespace detail {
// Deliberately not constexpr: constant-evaluating a call to one of them is the compile error a `constexpr` operation
// table gets for the mistake the function is named after.
inline void operation_table_entry_has_a_null_method() {}
inline void operation_name_is_not_in_operations_md_or_mark_it_plugin_specific() {}
}  // namespace detail

/// One entry of a plugin's operation table: `{op::kPostingsList, &MyConnector::listPostings}`, or
/// `{"my.thing", &MyConnector::thing, OperationKind::kPluginSpecific}` for an operation outside operations.md.
template <class Self>
struct Operation {
  using Method = Output (Self::*)(const Input&);

  std::string_view name;
  Method method = nullptr;
  OperationKind kind = OperationKind::kStandard;

  constexpr Operation(std::string_view operation_name, Method operation_method,
                      OperationKind operation_kind = OperationKind::kStandard)
      : name(operation_name), method(operation_method), kind(operation_kind) {
    // Only while the compiler evaluates a constant table; a table built at run time is checked by describe
    // (operationTableProblem), which can name the plugin and suggest a name.
    if (std::is_constant_evaluated() && kind == OperationKind::kStandard && !op::isKnown(name)) {
      detail::operation_name_is_not_in_operations_md_or_mark_it_plugin_specific();
    }
  }
  /// `{name, nullptr}` ("implement later"). Its own overload rather than a comparison of the member pointer with
  /// null: GCC cannot evaluate that comparison as a constant under -fsanitize=undefined (the asan preset), and would
  /// refuse every constant table. A constant table holding it does not compile; any other is refused at describe.
  constexpr Operation(std::string_view operation_name, std::nullptr_t,
                      OperationKind operation_kind = OperationKind::kStandard)
      : name(operation_name), method(nullptr), kind(operation_kind) {
    if (std::is_constant_evaluated()) detail::operation_table_entry_has_a_null_method();
  }
};

class Connector {
 public:
  explicit Connector(Host host) : host_(host) {}
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;
  virtual ~Connector() = default;

 protected:
  const Host& host() const { return host_; }

 private:
  Host host_;
};

/// Finds `name` in a table and calls it; throws not_supported for an unknown operation.
template <class Self>
Output dispatch(Self& self, std::span<const Operation<Self>> table, std::string_view name, const Input& input) {
  for (const auto& op : table) {
    if (op.name != name) continue;
    // describe refuses such a table, so a host never gets here; a caller that skipped describe gets an error, not
    // a crash.
    if (op.method == nullptr) {
      throw OperationError(errc::kInternal, "operation '" + std::string(name) +
                                                "' has no method (a null entry in its operation table)");
    }
    return (self.*(op.method))(input);
  }
  throw OperationError(errc::kNotSupported, "operation '" + std::string(name) + "' is not supported by this plugin");
}

template <class Self>
std::vector<std::string> operationNames(std::span<const Operation<Self>> table) {
  std::vector<std::string> names;
  names.reserve(table.size());
  for (const auto& op : table) names.emplace_back(op.name);
  return names;
}

/// What is wrong with an operation table, as one line naming the plugin and the operation, or nullopt when nothing
/// is: a null method (it would crash the host when called), a name that is not an operation of
/// sdk/schema/operations.md and is not marked OperationKind::kPluginSpecific (a typo would become a capability the
/// host never calls), or a name listed twice (the second would never be called).
template <class Self>
std::optional<std::string> operationTableProblem(std::string_view plugin, std::span<const Operation<Self>> table) {
  const std::string prefix = "plugin '" + std::string(plugin) + "': ";
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Operation<Self>& op = table[i];
    if (op.method == nullptr) {
      return prefix + "operation '" + std::string(op.name) + "' has no method (a null entry in its operation table)";
    }
    if (op.kind == OperationKind::kStandard && !op::isKnown(op.name)) {
      std::string message = prefix + "unknown operation '" + std::string(op.name) + "'";
      if (auto match = detail::closestMatch(op.name, op::kAll)) {
        message += " (did you mean '" + *match + "'?)";
      } else {
        message += " (not an operation of sdk/schema/operations.md; mark an operation of the plugin's own "
                   "OperationKind::kPluginSpecific)";
      }
      return message;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (table[j].name == op.name) return prefix + "operation '" + std::string(op.name) + "' is listed twice";
    }
  }
  return std::nullopt;
}

}  // namespace atsync::sdk
