// Field evaluation: one record through a compiled mapping, then the canonical rules
// (status/reason maps, reason required unless COMPLETED or progress, OTHER needs detail,
// CRM case id unless route-level).
#pragma once

#include "engine/mapping.h"
#include "model.h"

namespace fieldgate::engine {

RecordResult evaluate_record(const CompiledMapping& mapping, const RecordView& record);

}  // namespace fieldgate::engine
