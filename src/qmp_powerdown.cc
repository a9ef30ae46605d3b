#include "qmp_powerdown.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "json_writer.h"
#include "text.h"

namespace qemuc {
namespace {

using Clock = std::chrono::steady_clock;

class Connection {
 public:
  explicit Connection(Clock::time_point deadline) : deadline_(deadline) {}
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::string Open(const std::string& path) {
    sockaddr_un address{};
    if (path.size() >= sizeof address.sun_path) return "socket path too long: " + Quoted(path);
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    // Non-blocking, so that no call waits past the deadline: a full backlog fails at once
    // (EAGAIN), reads and writes wait in poll().
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return std::strerror(errno);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return "cannot connect to " + Quoted(path) + ": " + std::strerror(errno);
    }
    return "";
  }

  // The next line QEMU sends that is not an asynchronous event, or "" with `error` set.
  std::string ReadReply(std::string& error) {
    for (;;) {
      const size_t newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        if (line.find("\"event\"") == std::string::npos) return line;
        continue;
      }
      if (buffer_.size() > kMaxQmpLineBytes) {
        error = "QEMU sent a line longer than " + std::to_string(kMaxQmpLineBytes / 1024) +
                " KiB; QMP replies are short";
        return "";
      }
      if (!Fill(error)) return "";
    }
  }

  std::string Send(const std::string& line) {
    const std::string message = line + "\n";
    size_t sent = 0;
    while (sent < message.size()) {
      if (std::string error = Wait(POLLOUT); !error.empty()) return error;
      const ssize_t n = send(fd_, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return std::strerror(errno);
      sent += static_cast<size_t>(n);
    }
    return "";
  }

 private:
  // Until the socket is ready for `events`, or the deadline: checked before every read, so a
  // peer that never stops sending cannot keep us past it.
  std::string Wait(short events) {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
      if (left <= 0) return "QEMU did not answer in time";
      pollfd waiting{fd_, events, 0};
      const int ready = poll(&waiting, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
      if (ready > 0) return "";
      if (ready < 0 && errno != EINTR) return std::strerror(errno);
    }
  }

  bool Fill(std::string& error) {
    error = Wait(POLLIN);
    if (!error.empty()) return false;
    char chunk[4096];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) {
      error = n == 0 ? "QEMU closed the QMP connection" : std::strerror(errno);
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  Clock::time_point deadline_;
  std::string buffer_;
};

// Whether the process exists and has not exited: a zombie (not yet reaped by its parent) has.
bool Running(long pid) {
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const size_t name_end = line.rfind(')');
  return name_end == std::string::npos || name_end + 2 >= line.size() || line[name_end + 2] != 'Z';
}

// Sends a QMP command and checks that QEMU answered it with "return", not "error".
std::string Execute(Connection& qmp, const std::string& command) {
  JsonWriter request(JsonLayout::kOneLine);
  request.BeginObject().Key("execute").String(command).EndObject();
  if (std::string error = qmp.Send(request.Take()); !error.empty()) return error;
  std::string error;
  const std::string reply = qmp.ReadReply(error);
  if (!error.empty()) return error;
  if (reply.find("\"return\"") == std::string::npos) return command + " failed: " + Quoted(reply);
  return "";
}

}  // namespace

std::optional<long> ParsePowerdownPid(std::string_view text) {
  long long pid = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (error != std::errc() || end != text.data() + text.size() || pid < 1 || pid > kMaxPid)
    return std::nullopt;
  return static_cast<long>(pid);
}

std::string FormatSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", seconds);
  return text;
}

bool PowerdownTimeoutInRange(double seconds) {
  return std::isfinite(seconds) && seconds > 0 && seconds <= kMaxPowerdownTimeoutSeconds;
}

PowerdownResult QmpPowerdown(const std::string& socket_path, long pid, double timeout_seconds) {
  // The command line checks both ranges; here they keep the conversions below defined.
  if (pid <= 0 || pid > kMaxPid || !Running(pid))
    return {kPowerdownFailed, "process " + std::to_string(pid) + " is not running"};
  if (!PowerdownTimeoutInRange(timeout_seconds))
    return {kPowerdownFailed, "the timeout must be more than 0 and at most 86400 seconds"};
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  Connection qmp(deadline);
  if (std::string error = qmp.Open(socket_path); !error.empty()) return {kPowerdownFailed, error};
  std::string error;
  const std::string greeting = qmp.ReadReply(error);
  if (!error.empty()) return {kPowerdownFailed, error};
  if (greeting.find("\"QMP\"") == std::string::npos) {
    return {kPowerdownFailed, "not a QMP greeting: " + Quoted(greeting)};
  }
  for (const char* command : {"qmp_capabilities", "system_powerdown"}) {
    if (std::string failed = Execute(qmp, command); !failed.empty())
      return {kPowerdownFailed, failed};
  }
  while (Running(pid)) {
    if (Clock::now() >= deadline) {
      return {kPowerdownTimeout, "process " + std::to_string(pid) + " still runs after " +
                                     FormatSeconds(timeout_seconds) +
                                     " s (the guest ignored the power button?)"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {kPowerdownDone, ""};
}

}  // namespace qemuc
