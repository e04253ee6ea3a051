#include "ui/pages.h"

#include <map>
#include <memory>

#include "core/log.h"
#include "ui/assets.h"

namespace portico::ui {
namespace {

using Template = kainjow::mustache::mustache;

Template& Parsed(std::string_view name) {
  thread_local std::map<std::string, std::unique_ptr<Template>, std::less<>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  std::string file = std::string(name) + ".mustache";
  auto tmpl = std::make_unique<Template>(std::string(assets::Find(file)));
  if (!tmpl->is_valid())
    log::Error("template_invalid", {{"name", file}, {"error", tmpl->error_message()}});
  return *cache.emplace(std::string(name), std::move(tmpl)).first->second;
}

}  // namespace

std::string RenderPage(std::string_view name, std::string_view title, const Data& page) {
  std::string content = Parsed(name).render(page);
  Data layout = page;
  layout.set("title", std::string(title));
  layout.set("content", content);
  return Parsed("layout").render(layout);
}

MailBodies RenderMail(std::string_view name, const Data& data) {
  MailBodies bodies;
  bodies.text = Parsed(std::string(name) + ".text").render(data);
  Data layout = data;
  layout.set("content", Parsed(std::string(name) + ".html").render(data));
  bodies.html = Parsed("mail_layout.html").render(layout);
  return bodies;
}

std::string_view StaticAsset(std::string_view name) {
  if (name.find(".mustache") != std::string_view::npos) return {};
  return assets::Find(name);
}

}  // namespace portico::ui
