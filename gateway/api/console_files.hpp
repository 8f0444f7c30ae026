#pragma once
// The web console's files (console/ in the source tree), built into the daemon: by their name
// under /console/ ("index.html", "console.js", ...).

#include <functional>
#include <map>
#include <string>

namespace eaeu::api {

const std::map<std::string, std::string, std::less<>>& ConsoleFiles();

}  // namespace eaeu::api
