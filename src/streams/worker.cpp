#include "asyncfetch/streams/worker.hpp"

#include "asyncfetch/core/channel.hpp"
#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/record_boundary.hpp"
#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/streams/job.hpp"
#include "asyncfetch/streams/messages.hpp"

#include "calls.hpp"
#include "scripts.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

namespace asio = boost::asio;

namespace asyncfetch::streams {
namespace {

using namespace detail;

// [[id, [field, value, ...]], ...] -> entries (malformed ones are skipped).
void entries_of(reply& list, std::vector<entry>& out) {
    for (auto& e : list.elements) {
        if (e.elements.size() != 2) continue;
        auto& fields = e.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
            if (fields[i].str != "data") continue;
            if (auto t = read_target_message(fields[i + 1].str))
                out.push_back({std::move(e.elements[0].str), t->id, std::move(t->text), t->depth,
                               std::move(t->parent)});
        }
    }
}

// One worker's run: the producer takes entries (claimed or new) into the
// feed, `concurrency` consumers run the handler on them, and the committer
// stores their records in batches.
class stream_worker {
public:
    stream_worker(connection& reads, connection& writes, const std::string& name,
                  const entry_handler& handler, const worker_options& o,
                  const asio::any_io_executor& ex)
        : reads_(reads), writes_(writes), name_(name), k_(name), handler_(handler), o_(o),
          feed_(ex, std::max<std::size_t>(1, o.concurrency)),
          block_time_(o.until_done ? std::min(o.block, std::chrono::milliseconds(100)) : o.block),
          stored_(ex), wake_(ex), consumers_(std::max<std::size_t>(1, o.concurrency)) {}

    asio::awaitable<worker_stats> run() {
        // Until done: a job that does not exist ends the worker now, saying so.
        if (o_.until_done) co_await enqueued_total(writes_, k_, name_, o_.say);
        commit_sha_ = co_await load_script(writes_, commit_script, o_.say);
        std::size_t role = 0; // 0: produce, 1: commit, then the consumers
        co_await run_all(consumers_ + 2, [&]() -> asio::awaitable<void> {
            switch (role++) {
            case 0:
                return produce();
            case 1:
                return commit();
            default:
                return consume();
            }
        });
        co_return stats_;
    }

private:
    asio::awaitable<bool> all_done();
    asio::awaitable<void> produce();
    asio::awaitable<void> consume();
    asio::awaitable<void> commit();

    connection& reads_;
    connection& writes_;
    const std::string& name_;
    const keys k_;
    const entry_handler& handler_;
    const worker_options& o_;
    worker_stats stats_;
    // (Entries travel by pointer: the channel moves what it carries several times.)
    channel<std::unique_ptr<entry>> feed_;
    // Waiting for new entries: shorter when the worker must notice the end.
    const std::chrono::milliseconds block_time_;
    std::size_t unstored_ = 0; // entries taken whose records are not stored yet
    std::string commit_sha_;
    // Records made but not stored yet: (id, line, entry id, failed).
    std::vector<std::array<std::string, 4>> pending_;
    event stored_;          // notified whenever records have been stored
    event wake_;            // notified whenever a record is pending or a consumer ends
    std::size_t consumers_; // consumers still running
};

// Everything enqueued has a record.
// (A job with no targets is done at once; one whose keys went away mid-run too.)
asio::awaitable<bool> stream_worker::all_done() {
    std::optional<long long> total;
    try {
        total = co_await enqueued_total(writes_, k_, name_, o_.say);
    } catch (const boost::system::system_error&) {
        throw; // a cancel, or Redis gone for good
    } catch (const std::runtime_error&) {
        co_return true;
    }
    if (!total) co_return false;
    auto count_done = args("HLEN", k_.done);
    const auto done = number_of(co_await command_with_retry(writes_, count_done, o_.say));
    if (*total == 0 && o_.say) o_.say("job '" + name_ + "' has no targets");
    co_return done >= *total;
}

// Takes over entries idle too long (their worker died), then waits for new ones.
asio::awaitable<void> stream_worker::produce() {
    std::string cursor = "0-0";
    const auto max_batch = std::max<std::size_t>(1, o_.concurrency);
    const auto count = std::to_string(max_batch);
    const auto idle_ms = std::to_string(o_.claim_idle.count());
    const auto block = std::to_string(block_time_.count());
    // Claims are looked for when idle, and at least once a second: not on
    // every read (XAUTOCLAIM walks the pending list).
    auto last_claim = std::chrono::steady_clock::time_point{};
    bool idle = true; // the last look found nothing
    auto idle_wait = std::chrono::milliseconds(5);
    for (;;) {
        if (o_.until_done && idle && unstored_ == 0 && co_await all_done()) {
            feed_.close();
            co_return;
        }
        std::vector<entry> batch;
        batch.reserve(max_batch);
        const auto now = std::chrono::steady_clock::now();
        if (idle || now - last_claim >= std::chrono::seconds(1)) {
            last_claim = now;
            auto claim = args("XAUTOCLAIM", k_.targets, consumer_group, o_.consumer, idle_ms,
                              cursor, "COUNT", count);
            auto claimed = co_await command_with_retry(writes_, claim, o_.say);
            if (!claimed.is_error() && claimed.elements.size() >= 2) {
                cursor = claimed.elements[0].str;
                entries_of(claimed.elements[1], batch);
                stats_.claimed += batch.size();
            }
        }
        // A worker that must notice the end looks without blocking and
        // waits here instead (Redis times blocked reads out only every
        // 100 ms or so, which would hold up the end of every job).
        const bool look_only = o_.until_done;
        auto read = look_only ? args("XREADGROUP", "GROUP", consumer_group, o_.consumer, "COUNT",
                                     count, "STREAMS", k_.targets, ">")
                              : args("XREADGROUP", "GROUP", consumer_group, o_.consumer, "COUNT",
                                     count, "BLOCK", block, "STREAMS", k_.targets, ">");
        auto fresh = co_await command_with_retry(reads_, read, o_.say);
        if (fresh.is_error()) {
            // NOGROUP: nothing was enqueued yet.
            co_await sleep_for(o_.block);
        } else {
            for (auto& stream : fresh.elements)
                if (stream.elements.size() == 2) entries_of(stream.elements[1], batch);
        }
        idle = batch.empty();
        unstored_ += batch.size();
        for (auto& e : batch) {
            auto item = std::make_unique<entry>(std::move(e));
            co_await feed_.send(std::move(item));
        }
        if (!idle || !look_only) {
            idle_wait = std::chrono::milliseconds(5);
        } else if (unstored_ > 0) {
            // Its own records on their way: until the next of them is stored.
            co_await stored_.wait_for(block_time_);
        } else {
            // Others' records on their way: a while, longer each time.
            co_await sleep_for(idle_wait);
            idle_wait = std::min(idle_wait * 2, block_time_);
        }
    }
}

// Runs entries; their records go to the committer.
asio::awaitable<void> stream_worker::consume() {
    while (auto item = co_await feed_.receive()) {
        auto& e = **item;
        operation run_entry;
        if (!handler_.on_target) run_entry = [&](const target&) { return handler_.run(e); };
        const auto& op = handler_.on_target ? handler_.on_target : run_entry;
        const target t{static_cast<std::size_t>(e.id), 0, e.text}; // named: g++ 12 (DESIGN.md)
        auto r = co_await run_to_record(op, t);
        // A cancel (Ctrl-C) ends the consumer with its entry unacknowledged:
        // it stays pending for a worker to claim, never stored as a record.
        if (r.result == outcome::cancelled && r.fields.empty())
            throw boost::system::system_error(asio::error::operation_aborted);
        if (r.fields.empty()) r = handler_.error_record(e.text, r.error, r.result);
        const auto error = r.fields.find("error");
        const bool failed = error != r.fields.end() && !error->is_null();
        pending_.push_back({std::to_string(e.id), make_record_line(e.id, r.fields),
                            std::move(e.stream_id), failed ? "1" : "0"});
        wake_.notify();
    }
    if (--consumers_ == 0) wake_.notify();
}

// Stores the records (once per target id) and acknowledges their entries:
// whatever is pending goes in one pipelined round trip. Running it again
// is harmless (the script checks the id), so a failed batch is resent.
asio::awaitable<void> stream_worker::commit() {
    for (;;) {
        if (pending_.empty()) {
            if (consumers_ == 0) co_return;
            try {
                co_await wake_.wait();
            } catch (const boost::system::system_error&) {
                co_return; // cancelled: what is pending stays for a worker to claim
            }
            continue;
        }
        // A few records wait a moment for company: fewer, fuller round trips.
        if (pending_.size() < 64 && consumers_ > 0)
            co_await sleep_for(std::chrono::milliseconds(10));
        // One script call per 500 records, all in one round trip.
        auto records = std::exchange(pending_, {});
        std::vector<std::vector<std::string>> batch;
        for (std::size_t i = 0; i < records.size(); i += 500) {
            auto call =
                args("EVALSHA", commit_sha_, "3", k_.done, k_.results, k_.targets, consumer_group);
            for (std::size_t j = i; j < std::min(records.size(), i + 500); ++j)
                call.insert(call.end(), std::make_move_iterator(records[j].begin()),
                            std::make_move_iterator(records[j].end()));
            batch.push_back(std::move(call));
        }
        auto replies = co_await run_script_calls(writes_, commit_script, batch, o_.say);
        unstored_ -= std::min(unstored_, records.size());
        stored_.notify();
        std::uint64_t new_records = 0;
        for (auto& r : replies)
            new_records += static_cast<std::uint64_t>(must(std::move(r), "storing records").number);
        stats_.processed += new_records;
        stats_.duplicates += records.size() - new_records;
    }
}

} // namespace

entry_handler job_handler(const job_kind& kind, asio::any_io_executor ex) {
    auto made = kind.make_operation(std::move(ex));
    entry_handler h;
    h.on_target = std::move(made.first);
    h.keep_alive = std::move(made.second);
    h.error_record = kind.error_record;
    return h;
}

asio::awaitable<worker_stats> work(connection& reads, connection& writes, const std::string& name,
                                   const entry_handler& handler, const worker_options& options) {
    const auto ex = co_await asio::this_coro::executor;
    stream_worker worker(reads, writes, name, handler, options, ex);
    co_return co_await worker.run();
}

} // namespace asyncfetch::streams
