// The layers of docs/ARCHITECTURE.md, checked on every #include of codecs/ and gateway/: a file
// may include its own component's headers and those of components on a lower layer, never one on
// its own layer or above it, and never another component's detail/.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace eaeu::test {
namespace {

namespace fs = std::filesystem;

struct Component {
  std::string name;
  std::string path;  // folder from the repository's root, "gateway/core"
  int layer = 0;
};

// The ```layers block of the architecture document: "<layer> <component> <folder>" per line.
std::vector<Component> ReadLayers(const fs::path& document) {
  std::istringstream in(ReadText(document));
  std::vector<Component> out;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("```")) {
      if (inside) break;
      inside = line == "```layers";
      continue;
    }
    if (!inside || line.empty()) continue;
    std::istringstream fields(line);
    Component c;
    fields >> c.layer >> c.name >> c.path;
    if (!fields) throw std::runtime_error("not a layer line: " + line);
    out.push_back(c);
  }
  return out;
}

// The component a path (from the repository's root) belongs to: the longest folder it is in.
const Component* ComponentOf(const std::vector<Component>& layers, const std::string& path) {
  const Component* best = nullptr;
  for (const auto& c : layers) {
    if (path.starts_with(c.path + "/") && (best == nullptr || c.path.size() > best->path.size())) {
      best = &c;
    }
  }
  return best;
}

// Every include of the sources under `root` that the layers do not allow, one line each.
std::vector<std::string> Violations(const fs::path& root, const std::vector<Component>& layers) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s+"([^"]+)")re");
  std::vector<std::string> out;
  for (const char* top : {"codecs", "gateway"}) {
    if (!fs::exists(root / top)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
      const std::string file = fs::relative(entry.path(), root).generic_string();
      const Component* from = ComponentOf(layers, file);
      if (from == nullptr) {
        out.push_back(file + ": in no component of the layers");
        continue;
      }
      std::istringstream in(ReadText(entry.path()));
      std::string line;
      int number = 0;
      while (std::getline(in, line)) {
        ++number;
        std::smatch m;
        if (!std::regex_search(line, m, kInclude)) continue;
        const std::string target = m[1];
        const Component* to = ComponentOf(layers, target);
        const std::string where = file + ":" + std::to_string(number) + ": " + target;
        if (to == nullptr) {
          out.push_back(where + " is in no component of the layers");
        } else if (to != from && to->layer >= from->layer) {
          out.push_back(where + ": " + from->name + " (layer " + std::to_string(from->layer) +
                        ") may not use " + to->name + " (layer " + std::to_string(to->layer) + ")");
        } else if (to != from && target.find("/detail/") != std::string::npos) {
          out.push_back(where + ": " + from->name + " reaches into the detail/ of " + to->name);
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("Layers: every include of the sources points down the layers", "[layers]") {
  const auto layers = ReadLayers(SourceDir() / "docs/ARCHITECTURE.md");
  REQUIRE(layers.size() >= 15);
  // Each folder of gateway/ is a component of the list.
  for (const auto& entry : fs::directory_iterator(SourceDir() / "gateway")) {
    if (!entry.is_directory()) continue;
    const std::string folder = "gateway/" + entry.path().filename().string();
    INFO(folder);
    CHECK(std::any_of(layers.begin(), layers.end(),
                      [&](const Component& c) { return c.path == folder; }));
  }
  const auto violations = Violations(SourceDir(), layers);
  INFO(Lines(violations));
  CHECK(violations.empty());
}

TEST_CASE("Layers: an include that runs up, sideways or into a detail/ is reported", "[layers]") {
  const std::vector<Component> layers = {{"core", "gateway/core", 0},
                                         {"store", "gateway/store", 1},
                                         {"route", "gateway/route", 2},
                                         {"notify", "gateway/notify", 2}};
  TempDir dir;
  fs::create_directories(dir.path() / "gateway/core");
  fs::create_directories(dir.path() / "gateway/store/detail");
  fs::create_directories(dir.path() / "gateway/route");
  fs::create_directories(dir.path() / "gateway/notify");
  WriteText(dir.path() / "gateway/core/a.hpp", "#include <string>\n");
  WriteText(dir.path() / "gateway/store/detail/b.hpp", "#include \"gateway/core/a.hpp\"\n");
  WriteText(dir.path() / "gateway/store/journal.cpp",
            "#include \"gateway/store/detail/b.hpp\"\n#include \"gateway/route/delivery.hpp\"\n");
  WriteText(dir.path() / "gateway/route/delivery.hpp",
            "#include \"gateway/store/detail/b.hpp\"\n#include \"gateway/notify/n.hpp\"\n");
  WriteText(dir.path() / "gateway/notify/n.hpp", "#include \"gateway/core/a.hpp\"\n");
  const auto violations = Violations(dir.path(), layers);
  INFO(Lines(violations));
  REQUIRE(violations.size() == 3);
  CHECK(violations[0] ==
        "gateway/route/delivery.hpp:1: gateway/store/detail/b.hpp: route reaches into the detail/ "
        "of store");
  CHECK(violations[1] ==
        "gateway/route/delivery.hpp:2: gateway/notify/n.hpp: route (layer 2) may not use notify "
        "(layer 2)");
  CHECK(violations[2] ==
        "gateway/store/journal.cpp:2: gateway/route/delivery.hpp: store (layer 1) may not use "
        "route (layer 2)");
}

}  // namespace eaeu::test
