// Crew photos, uploaded by the tablets in chunks and read back by staff:
//   GET /v1/sync/photos/{sha256}               how much of the crew's upload the gateway holds
//   PUT /v1/sync/photos/{sha256}?offset=&size= one chunk of the crew's upload
//   GET /v1/admin/photos/{sha256}[?crew=]      (admin token) a complete photo's bytes
// An upload is the crew's whose device started it; any device of that crew may resume it. To
// a device of another crew it does not exist: that device gets exactly the answers it would get
// if nobody had the hash (and its own chunks make its own crew's upload), so it can neither
// reset, finish, overwrite nor claim another crew's photo, nor learn that one exists.
#pragma once

#include <string>

#include "read_pool.h"
#include "transaction.h"
#include "types.h"
#include "writer.h"

namespace fieldgate {

class PhotoUploadRoutes {
  public:
    PhotoUploadRoutes(store::Writer& writer, store::ReadPool& reads);

    // /v1/sync/photos/{sha256} for an authenticated device; `sha256` is the rest of the path.
    void device_request(const sync::DeviceRow& device, const std::string& sha256,
                        const http::Request& request, http::Respond& respond);
    // /v1/admin/photos/{sha256}; `sha256` is the rest of the path.
    void admin_request(const std::string& sha256, const http::Request& request,
                       http::Respond& respond);

  private:
    void status(const sync::DeviceRow& device, const std::string& sha256, http::Respond& respond);
    void chunk(const sync::DeviceRow& device, const std::string& sha256,
               const http::Request& request, http::Respond& respond);

    store::Writer& writer_;
    store::ReadPool& reads_;
};

}  // namespace fieldgate
