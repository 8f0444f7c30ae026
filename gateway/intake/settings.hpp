#pragma once
// The drop folders' settings.

#include <chrono>
#include <filesystem>
#include <string>

namespace eaeu::intake {

// A watched folder: files dropped into it are taken as documents of this sender.
struct DropFolderSettings {
  std::filesystem::path path;
  std::string country;
  std::string participant;
  std::chrono::milliseconds scan_interval{1'000};
};

}  // namespace eaeu::intake
