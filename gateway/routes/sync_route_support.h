// What the crew sync routes share (SyncRoutes, PhotoUploadRoutes): bearer tokens, 401 answers,
// integer query parameters and writes answered after their commit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "read_pool.h"
#include "transaction.h"
#include "types.h"
#include "writer.h"

namespace fieldgate {

// The token of `Authorization: Bearer <token>`, or nullopt.
std::optional<std::string> bearer_token(const http::Request& request);

// The crew device that `X-Device-Id` and `Authorization: Bearer <device secret>` name, when the
// secret is its own and it is active; nullopt otherwise (also when either header is missing).
std::optional<sync::DeviceRow> verified_device(store::ReadPool& reads,
                                               const http::Request& request);

// 401 with `WWW-Authenticate: Bearer`.
http::Response unauthorized(const std::string& detail);

// Query parameter `name` as an integer in [min, max], `fallback` when absent; nullopt after
// answering 400 when it is not one.
std::optional<std::int64_t> integer_param(const http::Request& request, std::string_view name,
                                          std::int64_t fallback, std::int64_t min, std::int64_t max,
                                          http::Respond& respond);

// Runs `job` on the writer and answers `answer()` once it committed (503 when the queue is full,
// the store's problem when the job failed).
void submit_write(store::Writer& writer, store::Writer::Job job,
                  std::function<http::Response()> answer, http::Respond& respond);

}  // namespace fieldgate
