#include "page_cache.h"

#include <sqlite3.h>

namespace fieldgate::sqlite {

// Why this exists: when a B-tree balance puts its new pages in order, SQLite swaps two page
// numbers through a temporary one, the number of the lock-byte page (1 GiB into the file:
// 262,145 with 4 KiB pages), which never holds data. SQLite's page cache (pcache1) then keeps
// that number as its largest key, and at the end of every transaction, truncating the cache to
// the database's size, it sees a key far beyond it and walks every bucket of its hash instead
// of the few above the size. With the writer's 64 MiB cache that walk was ~9% of the writer's
// CPU under load (SQLite 3.40, perf), on almost every COMMIT.
//
// This cache is pcache1 itself, with the temporary number renamed to page 0 on every call into
// it. Neither number is ever a real page (pages start at 1, and the lock-byte page is never
// read or written), the renaming is one-to-one, and the cache's bookkeeping is untouched, so
// SQLite sees the same cache; only its largest key stays within the database.
namespace {

sqlite3_pcache_methods2 pcache1{};
bool installed = false;

constexpr unsigned kLockByteOffset = 0x40000000;  // SQLite's PENDING_BYTE
constexpr unsigned kRenamedPage = 0;

struct Cache {
    sqlite3_pcache* inner;
    unsigned lock_byte_page;

    unsigned rename(unsigned key) const { return key == lock_byte_page ? kRenamedPage : key; }
};

Cache* of(sqlite3_pcache* cache) {
    return reinterpret_cast<Cache*>(cache);
}

int cache_init(void*) {
    return pcache1.xInit(pcache1.pArg);
}

void cache_shutdown(void*) {
    pcache1.xShutdown(pcache1.pArg);
}

sqlite3_pcache* cache_create(int page_size, int extra_size, int purgeable) {
    sqlite3_pcache* inner = pcache1.xCreate(page_size, extra_size, purgeable);
    if (!inner) return nullptr;
    auto* cache = static_cast<Cache*>(sqlite3_malloc(sizeof(Cache)));
    if (!cache) {
        pcache1.xDestroy(inner);
        return nullptr;
    }
    cache->inner = inner;
    cache->lock_byte_page = kLockByteOffset / static_cast<unsigned>(page_size) + 1;
    return reinterpret_cast<sqlite3_pcache*>(cache);
}

void cache_size(sqlite3_pcache* cache, int pages) {
    pcache1.xCachesize(of(cache)->inner, pages);
}

int cache_page_count(sqlite3_pcache* cache) {
    return pcache1.xPagecount(of(cache)->inner);
}

sqlite3_pcache_page* cache_fetch(sqlite3_pcache* cache, unsigned key, int create_flag) {
    return pcache1.xFetch(of(cache)->inner, of(cache)->rename(key), create_flag);
}

void cache_unpin(sqlite3_pcache* cache, sqlite3_pcache_page* page, int discard) {
    pcache1.xUnpin(of(cache)->inner, page, discard);
}

void cache_rekey(sqlite3_pcache* cache, sqlite3_pcache_page* page, unsigned old_key,
                 unsigned new_key) {
    const Cache& c = *of(cache);
    pcache1.xRekey(c.inner, page, c.rename(old_key), c.rename(new_key));
}

void cache_truncate(sqlite3_pcache* cache, unsigned limit) {
    pcache1.xTruncate(of(cache)->inner, limit);
}

void cache_destroy(sqlite3_pcache* cache) {
    pcache1.xDestroy(of(cache)->inner);
    sqlite3_free(of(cache));
}

void cache_shrink(sqlite3_pcache* cache) {
    pcache1.xShrink(of(cache)->inner);
}

}  // namespace

bool install_page_cache() {
    if (installed) return true;
    sqlite3_pcache_methods2 defaults{};
    if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &defaults) != SQLITE_OK) return false;
    if (!defaults.xRekey || defaults.iVersion < 1) return false;
    pcache1 = defaults;
    sqlite3_pcache_methods2 renaming{1,
                                     nullptr,
                                     cache_init,
                                     cache_shutdown,
                                     cache_create,
                                     cache_size,
                                     cache_page_count,
                                     cache_fetch,
                                     cache_unpin,
                                     cache_rekey,
                                     cache_truncate,
                                     cache_destroy,
                                     cache_shrink};
    installed = sqlite3_config(SQLITE_CONFIG_PCACHE2, &renaming) == SQLITE_OK;
    return installed;
}

bool page_cache_installed() {
    return installed;
}

}  // namespace fieldgate::sqlite
