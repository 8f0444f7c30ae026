#pragma once
// eaeu-gatewayd as a process of its own, for the tests that kill, pause or stop it: started with
// a configuration file, its output in a log the test reads its ports from.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "support.hpp"

namespace eaeu::test {

// eaeu-gatewayd in a child process, its output in a file.
class DaemonProcess {
 public:
  DaemonProcess(const std::filesystem::path& config, const std::filesystem::path& log) : log_(log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(EAEU_DAEMON, EAEU_DAEMON, "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~DaemonProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Waits for the line that gives the port; 0 when the process ended first.
  uint16_t WaitForPort(size_t nth_start) {
    const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
    for (;;) {
      std::string text = ReadText(log_);
      size_t seen = 0;
      for (std::sregex_iterator it(text.begin(), text.end(), listening), end; it != end; ++it) {
        if (++seen == nth_start) return static_cast<uint16_t>(std::stoi((*it)[1]));
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return 0;
      }
      std::this_thread::yield();
    }
  }
  // The port of the inbound endpoint of the nth start (the log says it before it listens).
  uint16_t WaitForInboundPort(size_t nth_start) {
    const std::regex inbound("inbound endpoint for \\S+ on 127\\.0\\.0\\.1:([0-9]+)");
    for (;;) {
      std::string text = ReadText(log_);
      size_t seen = 0;
      for (std::sregex_iterator it(text.begin(), text.end(), inbound), end; it != end; ++it) {
        if (++seen == nth_start) return static_cast<uint16_t>(std::stoi((*it)[1]));
      }
      std::this_thread::yield();
    }
  }
  void Kill(int signal) { ::kill(pid_, signal); }
  int WaitExit() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

// The process catalogue with its timers short, so that a send a kill cut off is sent again soon
// (`receive` for the receipt, `processing` after the receipt, by default the same, and `reply` for
// the answer); written into `dir`, its path returned.
inline std::filesystem::path ShortTimers(const std::filesystem::path& dir,
                                         const std::string& receive = "PT2S",
                                         const std::string& reply = "PT4S",
                                         const std::string& processing = "") {
  std::istringstream lines(ReadText(SourceDir() / "config/process.toml"));
  std::string catalogue;
  for (std::string line; std::getline(lines, line);) {
    // The report's and the notices' long timers; the shorter ones stay as they are.
    for (const auto& [from, value] :
         {std::pair<std::string, std::string>{"receive_timer = \"PT20M\"", receive},
          {"processing_timer = \"PT20M\"", processing.empty() ? receive : processing},
          {"response_timer = \"PT1H\"", reply}}) {
      if (line.starts_with(from)) line = from.substr(0, from.find('"')) + "\"" + value + "\"";
    }
    catalogue += line + "\n";
  }
  WriteText(dir / "process.toml", catalogue);
  return dir / "process.toml";
}

// The example report under another report number and EDocId.
inline std::string NumberedReport(uint64_t n) {
  std::string xml =
      WithEDocId(ReadText(ExamplePath(model::DocumentKind::kInspectionReport)), NumberedEDocId(n));
  const std::string from = ">RU-IR-2026-0417<";
  const std::string to = ">RU-IR-9" + std::to_string(100000 + n) + "<";
  for (auto at = xml.find(from); at != std::string::npos; at = xml.find(from, at + 1)) {
    xml.replace(at, from.size(), to);
  }
  return xml;
}

}  // namespace eaeu::test
