// SPDX-License-Identifier: Apache-2.0
// note.add / note.find and file.add / file.find: the platform's notes, messages and resumes on a Greenhouse
// application, each with a way for a retry to see whether an earlier attempt landed.
#include "crypto.hpp"
#include "greenhouse_connector.hpp"
#include "iso_time.hpp"
#include "markers.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/model.hpp>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;
using sdk::detail::requireString;
using sdk::detail::str;

// What the hiring team reads in Greenhouse. The note's author is the acting user, so the text says who wrote it on
// which platform; a message also says its channel and direction, since a NOTE does not (choices.hpp).
std::string composeNote(const json::object& in, const std::string& key) {
  const std::string body = requireString(in, "body", "note.add");
  std::string author;
  if (const auto* a = sdk::detail::field(in, "author")) author = json::value_to<sdk::Author>(*a).name;
  std::string platform;
  if (const auto* p = sdk::detail::object(in, "platform")) platform = str(*p, "name");
  if (platform.empty()) platform = "atsync";
  const std::string kind = str(in, "kind", "note");
  if (kind != "note" && kind != "message") {
    throw sdk::OperationError(sdk::errc::kInvalidInput, "note.add: 'kind' is '" + kind + "' (expected note or message)");
  }
  std::string text;
  if (kind == "message") {
    const auto* m = sdk::detail::object(in, "message");
    const std::string channel = m ? str(*m, "channel") : std::string();
    const std::string direction = m ? str(*m, "direction") : std::string();
    const std::string subject = m ? str(*m, "subject") : std::string();
    text = platform + (channel.empty() ? "" : " " + channel) + " message " +
           (direction == "inbound" ? "received from the candidate" : "sent to the candidate") +
           (author.empty() || direction == "inbound" ? std::string() : " by " + author) + "\n";
    if (!subject.empty()) text += "Subject: " + subject + "\n";
    text += "\n";
  }
  text += body + "\n\n" + noteSignature(key, author, platform);
  return text;
}

}  // namespace

sdk::Output GreenhouseConnector::noteAdd(const sdk::Input& input) {
  constexpr std::string_view kWhat = "note.add";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const std::string id = requireId(requireString(in, "opportunity_id", kWhat), "opportunity_id");
  const std::string text = composeNote(in, key);
  // v3 notes hang off the candidate (and optionally an application): the application tells whose candidate.
  const Application application = readApplication(id);
  return json::object{{"note_id", postNote(application.candidate_id, application.id, text)}};
}

sdk::Output GreenhouseConnector::noteFind(const sdk::Input& input) {
  constexpr std::string_view kWhat = "note.find";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const std::string id = requireId(requireString(in, "opportunity_id", kWhat), "opportunity_id");
  auto request = api_.request("GET", "/notes", "GET /notes");
  request.query = {{"application_ids", id}};
  json::value found = nullptr;
  api_.forEach(request, [&](const json::object& n) {
    if (found.is_null() && hasMarker(text(n, "body"), key)) found = json::value(idOf(n, "id", "note"));
  });
  return json::object{{"note_id", std::move(found)}};
}

sdk::Output GreenhouseConnector::fileAdd(const sdk::Input& input) {
  constexpr std::string_view kWhat = "file.add";
  const auto& in = input.object(kWhat);
  requireString(in, "key", kWhat);
  const std::string id = requireId(requireString(in, "opportunity_id", kWhat), "opportunity_id");
  const std::string name = requireString(in, "name", kWhat);
  const std::string content_type = str(in, "content_type", "application/octet-stream");
  if (input.bytes.empty()) throw sdk::OperationError(sdk::errc::kInvalidInput, "file.add: '" + name + "' has no bytes");
  // v3 attachments take base64 `content` (or a public `url`, which would expose the file) and no content type.
  json::object body{{"application_id", std::stoll(id)},
                    {"filename", name},
                    {"type", choice::kAttachmentType},
                    {"content", base64Encode(input.bytes)}};
  auto request = api_.request("POST", "/attachments", "POST /attachments");
  request.json = json::value(std::move(body));
  // Base64 of a large resume at a modest uplink takes longer than the default 30 s.
  request.timeout_ms = 300000;
  const json::object created = parseObject(api_.send(request).body, request.endpoint);
  sdk::FileRef file;
  file.id = idOf(created, "id", "attachment (POST /attachments answer)");
  file.subject_id = id;
  file.name = text(created, "filename");
  if (file.name.empty()) file.name = name;
  // What we sent is known better than what Greenhouse echoes (it keeps no size or content type).
  file.content_type = content_type;
  file.size_bytes = static_cast<std::int64_t>(input.bytes.size());
  file.sha256 = sha256Hex(input.bytes);
  file.created_at_ms = parseIsoMs(text(created, "created_at")).value_or(0);
  return json::object{{"file", json::value_from(file)}};
}

sdk::Output GreenhouseConnector::fileFind(const sdk::Input& input) {
  constexpr std::string_view kWhat = "file.find";
  const auto& in = input.object(kWhat);
  const std::string id = requireId(requireString(in, "opportunity_id", kWhat), "opportunity_id");
  const std::string name = requireString(in, "name", kWhat);
  auto request = api_.request("GET", "/attachments", "GET /attachments");
  request.query = {{"application_ids", id}};
  json::value found = nullptr;
  api_.forEach(request, [&](const json::object& a) {
    // Attachments carry no size, hash or marker: the file name on this application identifies an earlier upload.
    // Its type may have turned into `other` since (a newer resume), so the type is not compared.
    if (!found.is_null() || text(a, "filename") != name) return;
    sdk::FileRef file;
    file.id = idOf(a, "id", "attachment");
    file.subject_id = id;
    file.name = name;
    // Greenhouse keeps no size: the size asked about is echoed, since the name is what matched.
    file.size_bytes = sdk::detail::integer(in, "size_bytes");
    file.created_at_ms = parseIsoMs(text(a, "created_at")).value_or(0);
    found = json::value_from(file);
  });
  return json::object{{"file", std::move(found)}};
}

}  // namespace atsync::greenhouse
