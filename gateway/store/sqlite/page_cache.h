// SQLite's own page cache, with one page number renamed on its way in: see page_cache.cpp.
#pragma once

namespace fieldgate::sqlite {

// Installs the cache for the whole process. SQLite accepts this only before its first
// connection opens; returns false (and leaves SQLite's default in place) after that.
bool install_page_cache();

// Whether install_page_cache() took effect in this process.
bool page_cache_installed();

}  // namespace fieldgate::sqlite
