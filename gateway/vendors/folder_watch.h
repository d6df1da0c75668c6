// Watches the vendor_schemas folder (and each vendor folder in it) with inotify and calls back
// once the files have been quiet for `debounce`: an editor's save, a `cp -r` of a new folder
// or a `git pull` becomes one reload, not dozens. Optional (vendor_reload.watch in gateway.json).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace fieldgate {

class FolderWatch {
  public:
    FolderWatch(std::string dir, std::chrono::milliseconds debounce, std::function<void()> changed);
    ~FolderWatch();  // stops and joins
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;

  private:
    void loop();
    void watch_tree();

    std::string dir_;
    std::chrono::milliseconds debounce_;
    std::function<void()> changed_;
    int inotify_fd_ = -1;
    int stop_fd_ = -1;
    std::thread thread_;
};

}  // namespace fieldgate
