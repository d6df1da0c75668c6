// The work order status machine: received -> dispatched -> acknowledged -> en_route ->
// on_site -> completed | partially_completed | not_collected | cancelled.
#pragma once

#include <string>
#include <string_view>

namespace fieldgate {

bool is_terminal_status(std::string_view status);
// Position in the forward order; terminal statuses share the highest rank.
int status_rank(std::string_view status);
// COMPLETED -> completed, ...; progress codes are already statuses.
std::string status_for_outcome(std::string_view outcome);

}  // namespace fieldgate
