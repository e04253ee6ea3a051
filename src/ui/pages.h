// Server-rendered pages: Mustache templates (auto-escaping) inside one layout, and the static
// assets they link to. Templates and assets are embedded in the binary (src/ui/templates,
// src/ui/static). No page uses inline script or style, so the CSP can forbid both.
// Thread-safe: each thread keeps its own parsed copy of the templates.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

namespace portico::ui {

using Data = kainjow::mustache::data;

// Renders template `name` (without ".mustache") with `page`, then wraps it in the layout with
// `title`. `page` may carry "signed_in" and "display_name" for the header.
std::string RenderPage(std::string_view name, std::string_view title, const Data& page);

// A message's two bodies: plain text (template "<name>.text", not escaped) and HTML (template
// "<name>.html", escaped, inside "mail_layout.html" with `subject` and `base_url` from `data`).
struct MailBodies {
  std::string text;
  std::string html;
};
MailBodies RenderMail(std::string_view name, const Data& data);

// The bytes of static asset `name` ("style.css"), or empty when unknown.
std::string_view StaticAsset(std::string_view name);

// A list value for templates.
inline Data List() { return Data(Data::type::list); }

}  // namespace portico::ui
