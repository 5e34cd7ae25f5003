#include "deadline_watch.hpp"

namespace asyncfetch::http::detail {

deadline_watch::entry::entry(deadline_watch& watch, boost::asio::ip::tcp::socket& socket,
                             clock_type::time_point at)
    : watch_(watch), socket_(socket), at_(at) {
    watch_.link(*this);
}

deadline_watch::entry::~entry() {
    watch_.unlink(*this);
}

void deadline_watch::link(entry& e) {
    e.next_ = first_;
    if (first_) first_->prev_ = &e;
    first_ = &e;
    // Deadlines mostly come later than the one waited for: nothing to do.
    if (!armed_ || e.at_ < timer_.expiry()) arm(e.at_);
}

void deadline_watch::unlink(entry& e) {
    if (e.prev_)
        e.prev_->next_ = e.next_;
    else
        first_ = e.next_;
    if (e.next_) e.next_->prev_ = e.prev_;
    // Nothing left to watch: a pending wait would keep the loop running.
    if (!first_ && armed_) {
        armed_ = false;
        ++generation_;
        timer_.cancel();
    }
}

void deadline_watch::arm(clock_type::time_point at) {
    armed_ = true;
    const auto generation = ++generation_;
    timer_.expires_at(at);
    // The handler may run after this watch is gone (the timer's destructor
    // cancels it): an error, or a generation not the latest, touches nothing.
    timer_.async_wait([this, generation](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        fired();
    });
}

void deadline_watch::fired() {
    armed_ = false;
    const auto now = clock_type::now();
    auto earliest = clock_type::time_point::max();
    for (entry* e = first_; e; e = e->next_) {
        if (e->expired_) continue;
        if (e->at_ <= now) {
            e->expired_ = true;
            boost::system::error_code ignored;
            e->socket_.cancel(ignored);
        } else if (e->at_ < earliest) {
            earliest = e->at_;
        }
    }
    if (earliest != clock_type::time_point::max()) arm(earliest);
}

} // namespace asyncfetch::http::detail
