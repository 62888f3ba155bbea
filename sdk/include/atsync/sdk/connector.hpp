// SPDX-License-Identifier: Apache-2.0
#pragma once

// The base of every connector. A plugin writes a class that
//   - derives from Connector,
//   - has a constructor (sdk::Host, const boost::json::object& config) that throws OperationError
//     (code invalid_config) for a config it cannot use,
//   - has `static sdk::Description describe();` (capabilities are filled from the operation table),
//   - has `static std::span<const sdk::Operation<Self>> operations();`, its table of operations,
// and exports it with ATSYNC_PLUGIN(Class) (see plugin_export.hpp). An operation missing from the table is
// answered "not_supported" and never advertised.

#include <atsync/sdk/description.hpp>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/host.hpp>

#include <boost/json.hpp>

#include <cstdint>
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

template <class Self>
struct Operation {
  std::string_view name;
  Output (Self::*method)(const Input&);
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
    if (op.name == name) return (self.*(op.method))(input);
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

}  // namespace atsync::sdk
