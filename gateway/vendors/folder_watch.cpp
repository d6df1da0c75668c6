#include "folder_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace fieldgate {

namespace {

constexpr std::uint32_t kEvents =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;

}  // namespace

FolderWatch::FolderWatch(std::string dir, std::chrono::milliseconds debounce,
                         std::function<void()> changed)
    : dir_(std::move(dir)), debounce_(debounce), changed_(std::move(changed)) {
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (inotify_fd_ < 0 || stop_fd_ < 0) {
        if (inotify_fd_ >= 0) ::close(inotify_fd_);
        if (stop_fd_ >= 0) ::close(stop_fd_);
        throw std::runtime_error("cannot watch " + dir_ + ": inotify is not available");
    }
    watch_tree();
    thread_ = std::thread([this] { loop(); });
    spdlog::info("watching {} for vendor folder changes (debounce {} ms)", dir_, debounce_.count());
}

FolderWatch::~FolderWatch() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    ::close(inotify_fd_);
    ::close(stop_fd_);
}

// The folder itself and every vendor folder in it (mapping.json and payload schemas live at a
// vendor folder's top). Adding a watch twice is harmless: inotify returns the same one.
void FolderWatch::watch_tree() {
    inotify_add_watch(inotify_fd_, dir_.c_str(), kEvents);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
        if (e.is_directory(ec)) inotify_add_watch(inotify_fd_, e.path().c_str(), kEvents);
    }
}

void FolderWatch::loop() {
    std::array<char, 16 * 1024> buffer{};
    bool pending = false;
    for (;;) {
        std::array<pollfd, 2> fds{pollfd{inotify_fd_, POLLIN, 0}, pollfd{stop_fd_, POLLIN, 0}};
        const int timeout = pending ? static_cast<int>(debounce_.count()) : -1;
        const int ready = ::poll(fds.data(), fds.size(), timeout);
        if (ready < 0) {
            if (errno == EINTR) continue;
            spdlog::error("vendor folder watch stopped: poll failed ({})", errno);
            return;
        }
        if (fds[1].revents != 0) return;
        if (ready == 0) {
            // Quiet for the debounce time since the last change.
            pending = false;
            watch_tree();  // new vendor folders get their own watch
            try {
                changed_();
            } catch (const std::exception& e) {
                spdlog::error("vendor folder watch: reload failed: {}", e.what());
            }
            continue;
        }
        while (::read(inotify_fd_, buffer.data(), buffer.size()) > 0) pending = true;
    }
}

}  // namespace fieldgate
