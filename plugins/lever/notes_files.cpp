// SPDX-License-Identifier: Apache-2.0
// note.add / note.find and file.add / file.find: a platform's notes, conversations and resumes on a Lever opportunity,
// each with a way for a retry to see whether an earlier attempt already landed.
#include "crypto.hpp"
#include "lever_connector.hpp"
#include "lever_parse.hpp"
#include "markers.hpp"
#include "platform_text.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using sdk::detail::requireString;
using sdk::detail::str;

std::string opportunityIdOf(const json::object& in, std::string_view what) {
  std::string id = requireString(in, "opportunity_id", what);
  requireSafeId(id, "opportunity_id");
  return id;
}

std::string mib(std::int64_t bytes) {
  // One decimal is enough to see why 30.0 MiB passed and 30.1 MiB did not.
  const auto tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

}  // namespace

std::string LeverConnector::postNote(const std::string& opportunity_id, const std::string& value) const {
  // The id may come from Lever's own answer (opportunity.create's referrer note), not only from checked input.
  requireSafeId(opportunity_id, "opportunity_id");
  auto request = api_.request("POST", "/opportunities/" + opportunity_id + "/notes", "POST /opportunities/:id/notes");
  // Optional for notes, but without it the note has no author at all in Lever.
  api_.performAs(request);
  request.json = json::object{{"value", value}};
  const json::object envelope = api_.call(request);
  // The docs answer {data:{noteId}}; real answers are the full note plus noteId.
  const auto& data = dataObject(envelope, request.endpoint);
  std::string id = str(data, "noteId", str(data, "id"));
  if (id.empty()) {
    throw sdk::OperationError(sdk::errc::kBadResponse, request.endpoint + ": Lever's answer has no note id");
  }
  return id;
}

sdk::Output LeverConnector::noteAdd(const sdk::Input& input) {
  constexpr std::string_view kWhat = "note.add";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const std::string opportunity_id = opportunityIdOf(in, kWhat);
  const std::string platform = platformName(in);
  const std::string text = noteText(in, platform);
  if (text.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, "note.add: missing field 'body' (expected a non-empty string)");
  }
  // Without `kind` (an SDK 1.0 host) the body is already composed and the author, if any, signs the marker line;
  // with it, noteText named the author in the text, as the note has always read.
  std::string author;
  if (str(in, "kind").empty()) {
    if (const auto* a = sdk::detail::field(in, "author")) author = json::value_to<sdk::Author>(*a).name;
  }
  // Lever notes written through the API cannot carry metadata, so the marker travels in the text: a last
  // line a recruiter reads as attribution and note.find reads as the command key.
  const std::string value = text + "\n\n" + noteSignature(key, author, platform);
  return json::object{{"note_id", postNote(opportunity_id, value)}};
}

sdk::Output LeverConnector::noteFind(const sdk::Input& input) {
  constexpr std::string_view kWhat = "note.find";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const std::string opportunity_id = opportunityIdOf(in, kWhat);
  auto request = api_.request("GET", "/opportunities/" + opportunity_id + "/notes", "GET /opportunities/:id/notes");
  request.query = {{"limit", "100"}};
  json::value found = nullptr;
  api_.forEach(request, [&](const json::value& item) {
    if (!found.is_null()) return;
    const LeverNote note = parseNote(item, request.endpoint);
    if (note.deleted) return;
    for (const auto& v : note.values) {
      if (hasMarker(v, key)) {
        found = json::value(note.id);
        return;
      }
    }
  });
  return json::object{{"note_id", std::move(found)}};
}

sdk::Output LeverConnector::fileAdd(const sdk::Input& input) {
  constexpr std::string_view kWhat = "file.add";
  const auto& in = input.object(kWhat);
  requireString(in, "key", kWhat);
  const std::string opportunity_id = opportunityIdOf(in, kWhat);
  const std::string name = requireString(in, "name", kWhat);
  const std::string content_type = str(in, "content_type", "application/octet-stream");
  const auto size = static_cast<std::int64_t>(input.bytes.size());
  // Refused before upload: sending 30+ MB only for Lever to refuse it wastes the rate budget and the bandwidth.
  if (size > kMaxFileBytes) {
    throw sdk::OperationError(sdk::errc::kTooLarge,
                              "file.add: '" + name + "' is " + std::to_string(size) + " bytes (" + mib(size) +
                                  "); Lever accepts at most " + std::to_string(kMaxFileBytes) + " bytes (30 MiB)");
  }
  if (size == 0) throw sdk::OperationError(sdk::errc::kInvalidInput, "file.add: '" + name + "' has no bytes");

  auto request = api_.request("POST", "/opportunities/" + opportunity_id + "/files", "POST /opportunities/:id/files");
  api_.performAs(request);  // required for files
  request.multipart.push_back(sdk::MultipartPart{"file", "", name, content_type, true});
  // 30 MB at a modest uplink takes minutes, not the default 30 s.
  request.timeout_ms = 300000;
  const json::object envelope = api_.call(request, input.bytes);
  sdk::FileRef file = parseFile(dataObject(envelope, request.endpoint), opportunity_id, request.endpoint);
  // What we sent is known better than what Lever echoes back.
  if (file.name.empty()) file.name = name;
  file.content_type = content_type;
  if (file.size_bytes < 0) file.size_bytes = size;
  file.sha256 = sha256Hex(input.bytes);
  return json::object{{"file", json::value_from(file)}};
}

sdk::Output LeverConnector::fileFind(const sdk::Input& input) {
  constexpr std::string_view kWhat = "file.find";
  const auto& in = input.object(kWhat);
  const std::string opportunity_id = opportunityIdOf(in, kWhat);
  const std::string name = requireString(in, "name", kWhat);
  const auto size = sdk::detail::optInt(in, "size_bytes");
  if (!size) throw sdk::OperationError(sdk::errc::kInvalidInput, "file.find: missing field 'size_bytes'");
  auto request = api_.request("GET", "/opportunities/" + opportunity_id + "/files", "GET /opportunities/:id/files");
  request.query = {{"limit", "100"}};
  json::value found = nullptr;
  api_.forEach(request, [&](const json::value& item) {
    if (!found.is_null()) return;
    sdk::FileRef f = parseFile(item, opportunity_id, request.endpoint);
    // Lever has no place for a marker on a file; name and size together identify an earlier upload.
    if (f.name == name && f.size_bytes == *size) found = json::value_from(f);
  });
  return json::object{{"file", std::move(found)}};
}

}  // namespace atsync::lever
