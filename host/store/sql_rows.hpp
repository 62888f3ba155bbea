// SPDX-License-Identifier: Apache-2.0
#pragma once

// How each row type of store.hpp maps to columns, for Poco's `into(std::vector<Row>)`. The column list of every
// SELECT comes from here too, so the order of a query's columns and of the extraction cannot drift apart.

#include "store/store.hpp"

#include <Poco/Data/AbstractExtractor.h>
#include <Poco/Data/AbstractPreparator.h>
#include <Poco/Data/TypeHandler.h>
#include <Poco/Nullable.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace atsync::host::store::detail {

/// The value of an enumerated column as read from a row. A spelling this host does not know (a newer host wrote it,
/// or someone edited the database) fails the read: taking it for some default would act on a row it misread.
template <StoreEnum E>
E columnValue(std::string_view column, std::string_view text) {
  if (const auto value = fromString<E>(text)) return *value;
  throw std::runtime_error("store: column " + std::string(column) + " holds '" + std::string(text) +
                           "', which is not one of " + spellings<E>());
}

// One visitor per concern (count, prepare, extract) walks the same field list, in column order.
template <class Visitor>
void visitRow(InboxEvent& e, Visitor& v) {
  v.int64(e.id); v.text(e.connection_id); v.value(e.side, "inbox.side"); v.text(e.source); v.text(e.event_id);
  v.text(e.type); v.int64(e.occurred_at_ms); v.int64(e.received_at_ms); v.flag(e.echo); v.text(e.payload);
  v.value(e.status, "inbox.status"); v.text(e.note); v.int64(e.processed_at_ms);
}
inline constexpr std::string_view kInboxColumns =
    "id, connection_id, side, source, event_id, type, occurred_at_ms, received_at_ms, echo, payload, status, note, "
    "processed_at_ms";

template <class Visitor>
void visitRow(Command& c, Visitor& v) {
  v.int64(c.id); v.text(c.connection_id); v.text(c.key); v.text(c.group_key); v.text(c.action); v.text(c.input);
  v.int64(c.inbox_id); v.int64(c.not_before_ms); v.value(c.state, "commands.state"); v.int32(c.attempts);
  v.int64(c.next_attempt_at_ms); v.text(c.last_error); v.flag(c.outcome_unknown); v.optionalText(c.remote_id);
  v.text(c.output); v.int64(c.created_at_ms); v.int64(c.updated_at_ms);
}
inline constexpr std::string_view kCommandColumns =
    "id, connection_id, command_key, group_key, action, input, inbox_id, not_before_ms, state, attempts, "
    "next_attempt_at_ms, last_error, outcome_unknown, remote_id, output, created_at_ms, updated_at_ms";

template <class Visitor>
void visitRow(Link& l, Visitor& v) {
  v.text(l.connection_id); v.text(l.candidate_id); v.text(l.opportunity_id); v.text(l.contact_id);
  v.value(l.provenance, "links.provenance"); v.optionalText(l.posting_id); v.optionalText(l.flow_id);
  v.text(l.platform_stage); v.text(l.ats_stage); v.int64(l.created_at_ms); v.int64(l.updated_at_ms);
}
inline constexpr std::string_view kLinkColumns =
    "connection_id, candidate_id, opportunity_id, contact_id, provenance, posting_id, flow_id, platform_stage, "
    "ats_stage, created_at_ms, updated_at_ms";

template <class Visitor>
void visitRow(ActivityEntry& a, Visitor& v) {
  v.int64(a.id); v.text(a.connection_id); v.int64(a.at_ms); v.value(a.level, "activity.level"); v.text(a.kind);
  v.text(a.subject); v.text(a.message);
}
inline constexpr std::string_view kActivityColumns = "id, connection_id, at_ms, level, kind, subject, message";

template <class Visitor>
void visitRow(StageMappingRow& m, Visitor& v) {
  v.text(m.connection_id); v.value(m.direction, "stage_mappings.direction"); v.text(m.from_stage); v.text(m.to_stage);
  v.value(m.origin, "stage_mappings.origin");
}
inline constexpr std::string_view kStageMappingColumns = "connection_id, direction, from_stage, to_stage, origin";

struct ColumnCounter {
  std::size_t n = 0;
  template <class T>
  void int64(T&) { ++n; }
  template <class T>
  void int32(T&) { ++n; }
  template <class T>
  void flag(T&) { ++n; }
  template <class T>
  void text(T&) { ++n; }
  template <class T>
  void optionalText(T&) { ++n; }
  template <class T>
  void value(T&, std::string_view) { ++n; }
};

struct ColumnPreparer {
  std::size_t pos;
  Poco::Data::AbstractPreparator::Ptr prep;
  void int64(std::int64_t&) { prep->prepare(pos++, Poco::Int64()); }
  void int32(int&) { prep->prepare(pos++, Poco::Int32()); }
  void flag(bool&) { prep->prepare(pos++, Poco::Int64()); }
  void text(std::string&) { prep->prepare(pos++, std::string()); }
  void optionalText(std::optional<std::string>&) { prep->prepare(pos++, std::string()); }
  template <StoreEnum E>
  void value(E&, std::string_view) { prep->prepare(pos++, std::string()); }
};

struct ColumnExtractor {
  std::size_t pos;
  Poco::Data::AbstractExtractor::Ptr ext;
  void int64(std::int64_t& out) {
    Poco::Int64 v = 0;
    out = ext->extract(pos++, v) ? v : 0;
  }
  void int32(int& out) {
    Poco::Int64 v = 0;
    out = ext->extract(pos++, v) ? static_cast<int>(v) : 0;
  }
  void flag(bool& out) {
    Poco::Int64 v = 0;
    out = ext->extract(pos++, v) && v != 0;
  }
  void text(std::string& out) {
    if (!ext->extract(pos++, out)) out.clear();
  }
  // NULL and "" differ here (a command with no remote id yet vs. one whose remote id is empty), and Poco only tells
  // them apart through Nullable.
  void optionalText(std::optional<std::string>& out) {
    Poco::Nullable<std::string> v;
    Poco::Data::TypeHandler<Poco::Nullable<std::string>>::extract(pos++, v, Poco::Nullable<std::string>(), ext);
    if (v.isNull()) {
      out.reset();
    } else {
      out = v.value();
    }
  }
  template <StoreEnum E>
  void value(E& out, std::string_view column) {
    std::string text;
    if (!ext->extract(pos++, text)) text.clear();
    out = columnValue<E>(column, text);
  }
};

template <class Row>
std::size_t columnCount() {
  Row row;
  ColumnCounter counter;
  visitRow(row, counter);
  return counter.n;
}

template <class Row>
struct RowTypeHandler {
  static std::size_t size() {
    static const std::size_t n = columnCount<Row>();
    return n;
  }
  static void prepare(std::size_t pos, const Row&, Poco::Data::AbstractPreparator::Ptr prep) {
    Row scratch;
    ColumnPreparer p{pos, prep};
    visitRow(scratch, p);
  }
  static void extract(std::size_t pos, Row& row, const Row&, Poco::Data::AbstractExtractor::Ptr ext) {
    ColumnExtractor e{pos, ext};
    visitRow(row, e);
  }
};

}  // namespace atsync::host::store::detail

// Poco looks its TypeHandler specializations up in Poco::Data.
namespace Poco::Data {
template <>
class TypeHandler<atsync::host::store::InboxEvent>
    : public atsync::host::store::detail::RowTypeHandler<atsync::host::store::InboxEvent> {};
template <>
class TypeHandler<atsync::host::store::Command>
    : public atsync::host::store::detail::RowTypeHandler<atsync::host::store::Command> {};
template <>
class TypeHandler<atsync::host::store::Link>
    : public atsync::host::store::detail::RowTypeHandler<atsync::host::store::Link> {};
template <>
class TypeHandler<atsync::host::store::ActivityEntry>
    : public atsync::host::store::detail::RowTypeHandler<atsync::host::store::ActivityEntry> {};
template <>
class TypeHandler<atsync::host::store::StageMappingRow>
    : public atsync::host::store::detail::RowTypeHandler<atsync::host::store::StageMappingRow> {};
}  // namespace Poco::Data
