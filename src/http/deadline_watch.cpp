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
    // After the last entry whose deadline is not later: from the end, as
    // deadlines mostly arrive in order.
    entry* before = last_;
    while (before && e.at_ < before->at_)
        before = before->prev_;
    e.prev_ = before;
    e.next_ = before ? before->next_ : first_;
    (e.next_ ? e.next_->prev_ : last_) = &e;
    (before ? before->next_ : first_) = &e;
    // Unarmed, every entry before it has expired already: it is the next.
    if (!armed_ || (first_ == &e && e.at_ < timer_.expiry())) arm(e.at_);
}

void deadline_watch::unlink(entry& e) {
    (e.prev_ ? e.prev_->next_ : first_) = e.next_;
    (e.next_ ? e.next_->prev_ : last_) = e.prev_;
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
    // The list is in deadline order: the entries past theirs are at the
    // front (those expired before stay there until their exchanges end).
    entry* e = first_;
    for (; e && e->at_ <= now; e = e->next_) {
        if (e->expired_) continue;
        e->expired_ = true;
        boost::system::error_code ignored;
        e->socket_.cancel(ignored);
    }
    if (e) arm(e->at_);
}

} // namespace asyncfetch::http::detail
