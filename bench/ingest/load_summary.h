// Inside the load engine: the summary of a finished run, from its records (load_summary.cpp).
#pragma once

#include <cstddef>

#include "load_engine.h"

namespace fieldgate::bench {

// Fills result.summary from result.records, the run's connection counts and its length.
void summarize(LoadResult& result, std::size_t connects, std::size_t connect_failures,
               double duration_s);

}  // namespace fieldgate::bench
