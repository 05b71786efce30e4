#include "grader/cli/catalog.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace labkit::cli {

std::vector<Lab> LoadCatalog(const std::string& root) {
  const std::string path = root + "/labs/labs.json";
  std::ifstream in(path);
  if (!in) throw UserError("cannot read " + path + ": run labkit from the kit's folder");
  nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.contains("labs")) {
    throw UserError(path + " is not a valid lab catalogue");
  }
  std::vector<Lab> labs;
  for (const auto& entry : json["labs"]) {
    Lab lab;
    lab.id = entry.value("id", "");
    lab.number = lab.id.substr(0, lab.id.find('_'));
    lab.title = entry.value("title", "");
    lab.files = entry.value("files", std::vector<std::string>{});
    lab.handout = entry.value("handout", "");
    labs.push_back(lab);
  }
  return labs;
}

const Lab& FindLab(const std::vector<Lab>& labs, const std::string& query) {
  for (const Lab& lab : labs) {
    const std::string name = lab.id.substr(lab.id.find('_') + 1);
    bool number_matches = !query.empty() && query.find_first_not_of("0123456789") == std::string::npos &&
                          std::stoi(query) == std::stoi(lab.number);
    if (query == lab.id || query == name || number_matches) return lab;
  }
  std::string known;
  for (const Lab& lab : labs) known += (known.empty() ? "" : ", ") + lab.number + " (" + lab.id + ")";
  throw UserError("there is no lab '" + query + "'; the labs are " + known);
}

}  // namespace labkit::cli
