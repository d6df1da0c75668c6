// Every outcome x reason a mapping could produce must be one the catalog allows (the catalog
// decides what the resident is told for each pair, and which pairs make sense at all). Checked
// when a mapping is compiled, so `vendor check`, the start and a hot reload refuse it alike.
#pragma once

#include <vector>

#include "engine/mapping.h"
#include "load_error.h"

namespace fieldgate::engine {

// The pairs a compiled mapping can produce: each reason-map entry with the outcome it pins, or
// else with every outcome of the status map that takes a reason (a completion drops its reason).
// One error per reason entry, naming that entry and the status entry it clashes with.
std::vector<LoadError> check_outcome_reason_pairs(const CompiledMapping& m,
                                                  const std::string& file);

}  // namespace fieldgate::engine
