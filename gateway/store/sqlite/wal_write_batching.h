// A SQLite VFS that hands the write-ahead log's frames to the kernel in one write per commit
// instead of two per page: see wal_write_batching.cpp.
#pragma once

namespace fieldgate::sqlite {

// The VFS's name, for connections whose WAL is synced at every commit (synchronous FULL or
// EXTRA) once register_wal_write_batching() has returned true.
inline constexpr const char* kWalWriteBatchingVfs = "fieldgate-wal-batching";

// Registers the VFS (not as the default). This initializes SQLite: call it after anything that
// must precede that (sqlite3_config).
bool register_wal_write_batching();

}  // namespace fieldgate::sqlite
