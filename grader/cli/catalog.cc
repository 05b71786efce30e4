#include "grader/cli/catalog.h"

#include <algorithm>
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
    lab.hidden_cases = entry.value("hidden_cases", 0);
    labs.push_back(lab);
  }
  return labs;
}

const Lab& FindLab(const std::vector<Lab>& labs, const std::string& query) {
  // "2" and "02" name the same lab: compare numbers without leading zeros.
  auto trim_zeros = [](const std::string& n) {
    return n.substr(std::min(n.find_first_not_of('0'), n.size()));
  };
  const bool numeric = !query.empty() && query.find_first_not_of("0123456789") == std::string::npos;
  for (const Lab& lab : labs) {
    const std::string name = lab.id.substr(lab.id.find('_') + 1);
    bool number_matches = numeric && trim_zeros(query) == trim_zeros(lab.number);
    if (query == lab.id || query == name || number_matches) return lab;
  }
  std::string known;
  for (const Lab& lab : labs) known += (known.empty() ? "" : ", ") + lab.number + " (" + lab.id + ")";
  throw UserError("there is no lab '" + query + "'; the labs are " + known);
}

}  // namespace labkit::cli
