#include "wal_write_batching.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace fieldgate::sqlite {

// Why this exists: SQLite writes a transaction's WAL frames one system call at a time, two per
// page (the frame header, then the page). Under load the writer commits ~35 pages per group,
// 70 pwrite calls, and on this project's VMs each call costs more than the copy it makes. This
// VFS is SQLite's default one, except that a WAL file keeps consecutive writes in a buffer and
// hands them to the kernel in one write before anything that must see them: the sync (so a
// commit is on disk exactly when it was before), a read, a size or truncate, a file control or
// the close. Other connections read only frames a commit has published in the WAL index, and
// SQLite publishes them after the sync, so they never look for bytes still in the buffer. That
// is why it is only for connections whose WAL is synced at every commit (FULL or EXTRA).
namespace {

constexpr int kBufferBytes = 1 << 20;
// The unix VFS writes at most 128 KiB - 1 bytes a call (it masks the length to 17 bits).
constexpr int kMostPerWrite = 31 * 4096;

sqlite3_vfs* default_vfs = nullptr;
sqlite3_vfs batching{};

// SQLite allocates szOsFile bytes per file: this header, then the default VFS's own file.
struct WalFile {
    sqlite3_file file;
    sqlite3_file* real;
    char* buffer;  // allocated at the first write
    sqlite3_int64 start;
    int length;
};

WalFile& wal_of(sqlite3_file* file) {
    return *reinterpret_cast<WalFile*>(file);
}
sqlite3_file* wal_real(sqlite3_file* file) {
    return wal_of(file).real;
}

int wal_flush(WalFile& w) {
    int rc = SQLITE_OK;
    for (int done = 0; done < w.length && rc == SQLITE_OK; done += kMostPerWrite) {
        const int amount = std::min(kMostPerWrite, w.length - done);
        rc = w.real->pMethods->xWrite(w.real, w.buffer + done, amount, w.start + done);
    }
    w.length = 0;
    return rc;
}
int wal_flush(sqlite3_file* file) {
    return wal_flush(wal_of(file));
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    WalFile& w = wal_of(file);
    if (w.length > 0 && offset == w.start + w.length && w.length + amount <= kBufferBytes) {
        std::memcpy(w.buffer + w.length, data, static_cast<size_t>(amount));
        w.length += amount;
        return SQLITE_OK;
    }
    if (const int rc = wal_flush(w); rc != SQLITE_OK) return rc;
    if (!w.buffer) w.buffer = static_cast<char*>(sqlite3_malloc(kBufferBytes));
    if (!w.buffer || amount > kBufferBytes) {
        return w.real->pMethods->xWrite(w.real, data, amount, offset);
    }
    std::memcpy(w.buffer, data, static_cast<size_t>(amount));
    w.start = offset;
    w.length = amount;
    return SQLITE_OK;
}

int wal_close(sqlite3_file* file) {
    WalFile& w = wal_of(file);
    const int flushed = wal_flush(w);
    const int closed = w.real->pMethods->xClose(w.real);
    sqlite3_free(w.buffer);
    w.buffer = nullptr;
    return flushed != SQLITE_OK ? flushed : closed;
}

// The default VFS's method `method` on the real file.
template <class Method, class... Args>
auto pass(sqlite3_file* file, Method sqlite3_io_methods::*method, Args... args) {
    sqlite3_file* real = wal_real(file);
    return (real->pMethods->*method)(real, args...);
}

// The same, after the buffered writes: for anything that reads, sizes or syncs the file.
template <class Method, class... Args>
int flush_then_pass(sqlite3_file* file, Method sqlite3_io_methods::*method, Args... args) {
    if (const int rc = wal_flush(file); rc != SQLITE_OK) return rc;
    return pass(file, method, args...);
}

int wal_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    return flush_then_pass(file, &sqlite3_io_methods::xRead, out, amount, offset);
}
int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
    return flush_then_pass(file, &sqlite3_io_methods::xTruncate, size);
}
int wal_sync(sqlite3_file* file, int flags) {
    return flush_then_pass(file, &sqlite3_io_methods::xSync, flags);
}
int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
    return flush_then_pass(file, &sqlite3_io_methods::xFileSize, size);
}
int wal_file_control(sqlite3_file* file, int op, void* arg) {
    return flush_then_pass(file, &sqlite3_io_methods::xFileControl, op, arg);
}
int wal_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    return flush_then_pass(file, &sqlite3_io_methods::xFetch, offset, amount, out);
}

int wal_lock(sqlite3_file* file, int level) {
    return pass(file, &sqlite3_io_methods::xLock, level);
}
int wal_unlock(sqlite3_file* file, int level) {
    return pass(file, &sqlite3_io_methods::xUnlock, level);
}
int wal_check_reserved_lock(sqlite3_file* file, int* out) {
    return pass(file, &sqlite3_io_methods::xCheckReservedLock, out);
}
int wal_sector_size(sqlite3_file* file) {
    return pass(file, &sqlite3_io_methods::xSectorSize);
}
int wal_device_characteristics(sqlite3_file* file) {
    return pass(file, &sqlite3_io_methods::xDeviceCharacteristics);
}

// A WAL file has no shared memory of its own and is never memory-mapped; these keep the
// methods complete (version 3) by passing through.
int wal_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
    return pass(file, &sqlite3_io_methods::xShmMap, region, size, extend, out);
}
int wal_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    return pass(file, &sqlite3_io_methods::xShmLock, offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* file) {
    pass(file, &sqlite3_io_methods::xShmBarrier);
}
int wal_shm_unmap(sqlite3_file* file, int delete_flag) {
    return pass(file, &sqlite3_io_methods::xShmUnmap, delete_flag);
}
int wal_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return pass(file, &sqlite3_io_methods::xUnfetch, offset, page);
}

const sqlite3_io_methods wal_methods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved_lock,
    wal_file_control,
    wal_sector_size,
    wal_device_characteristics,
    wal_shm_map,
    wal_shm_lock,
    wal_shm_barrier,
    wal_shm_unmap,
    wal_fetch,
    wal_unfetch,
};

int wal_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    if (!(flags & SQLITE_OPEN_WAL))
        return default_vfs->xOpen(default_vfs, name, file, flags, out_flags);
    WalFile& w = wal_of(file);
    w.real = reinterpret_cast<sqlite3_file*>(&w + 1);
    w.buffer = nullptr;
    w.start = 0;
    w.length = 0;
    file->pMethods = nullptr;
    const int rc = default_vfs->xOpen(default_vfs, name, w.real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    if (w.real->pMethods->iVersion < 3) {  // not the unix VFS this was written against
        w.real->pMethods->xClose(w.real);
        return SQLITE_CANTOPEN;
    }
    file->pMethods = &wal_methods;
    return SQLITE_OK;
}

}  // namespace

bool register_wal_write_batching() {
    static const bool registered = [] {
        default_vfs = sqlite3_vfs_find(nullptr);
        if (!default_vfs) return false;
        batching = *default_vfs;
        batching.zName = kWalWriteBatchingVfs;
        batching.szOsFile = static_cast<int>(sizeof(WalFile)) + default_vfs->szOsFile;
        batching.xOpen = wal_open;
        batching.pNext = nullptr;
        return sqlite3_vfs_register(&batching, 0) == SQLITE_OK;
    }();
    return registered;
}

}  // namespace fieldgate::sqlite
