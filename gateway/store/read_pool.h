// Read sessions, apart from the writer's: readers never wait for a commit. A lease is one
// session on loan; `snapshot` runs several reads that must agree in one read transaction.
#pragma once

#include <functional>
#include <memory>

#include "transaction.h"

namespace fieldgate::store {

class ReadSession {
  public:
    virtual ~ReadSession() = default;
    virtual Transaction& transaction() = 0;
    virtual void snapshot(const std::function<void(Transaction&)>& reads) = 0;
};

class ReadPool {
  public:
    virtual ~ReadPool() = default;

    class Lease {
      public:
        Lease(ReadPool& pool, std::unique_ptr<ReadSession> session)
            : pool_(&pool), session_(std::move(session)) {}
        Lease(Lease&&) = default;
        ~Lease() {
            if (session_) pool_->give_back(std::move(session_));
        }
        Transaction& operator*() { return session_->transaction(); }
        Transaction* operator->() { return &session_->transaction(); }
        // Several reads that must agree (a cursor and the rows after it): one read transaction.
        void snapshot(const std::function<void(Transaction&)>& reads) { session_->snapshot(reads); }

      private:
        ReadPool* pool_;
        std::unique_ptr<ReadSession> session_;
    };

    Lease acquire() { return Lease(*this, take()); }

  protected:
    virtual std::unique_ptr<ReadSession> take() = 0;
    virtual void give_back(std::unique_ptr<ReadSession> session) = 0;
};

}  // namespace fieldgate::store
