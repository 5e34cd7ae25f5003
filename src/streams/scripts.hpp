// The Lua scripts a shared job runs inside Redis, each several steps done
// atomically. Running one again (a caller that lost the reply, or found Redis
// restarted, sends it again) loses nothing and records nothing twice.
// (Private to src/streams.)
#pragma once

namespace asyncfetch::streams::detail {

// Stores records once per target id and acknowledges their entries,
// atomically. KEYS: done, results, targets; ARGV: group, then (target id,
// record line, entry id, failed 0|1) per record. A result entry holds the id,
// the line and, for a failed record, failed=1. Returns how many were new.
constexpr const char* commit_script = R"(
local stored = 0
local entries = {}
for i = 2, #ARGV, 4 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], 1) == 1 then
    if ARGV[i + 3] == '1' then
      redis.call('XADD', KEYS[2], '*', 'id', ARGV[i], 'data', ARGV[i + 1], 'failed', '1')
    else
      redis.call('XADD', KEYS[2], '*', 'id', ARGV[i], 'data', ARGV[i + 1])
    end
    stored = stored + 1
  end
  entries[#entries + 1] = ARGV[i + 2]
end
if #entries > 0 then redis.call('XACK', KEYS[3], ARGV[1], unpack(entries)) end
return stored
)";

// Appends targets. KEYS: targets, seen; ARGV: crawl 0|1, then each target's
// message (and, for a crawl, its URL, entered in the seen set).
constexpr const char* add_targets_script = R"(
local step = ARGV[1] == '1' and 2 or 1
for i = 2, #ARGV, step do
  redis.call('XADD', KEYS[1], '*', 'data', ARGV[i])
  if step == 2 then redis.call('SADD', KEYS[2], ARGV[i + 1]) end
end
return (#ARGV - 1) / step
)";

// Books an origin's next request slot for all the job's workers, on Redis's
// clock. KEYS: the origin's key; ARGV: the gap in ms. Returns how many ms to
// wait for the slot. The key expires a minute after its last slot.
constexpr const char* book_slot_script = R"(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + gap, 'PX', slot + gap - now + 60000)
return slot - now
)";

// Adds a page's links that no one has seen, within the page cap. KEYS: seen,
// next_id, total, targets; ARGV: max pages (0: none), depth, parent, URLs.
constexpr const char* add_links_script = R"(
local added = 0
local cap = tonumber(ARGV[1])
for i = 4, #ARGV do
  if cap > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= cap then break end
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    local id = redis.call('INCR', KEYS[2])
    redis.call('XADD', KEYS[4], '*', 'data', cjson.encode({id = id, target = ARGV[i],
      depth = tonumber(ARGV[2]), parent = ARGV[3]}))
    redis.call('INCR', KEYS[3])
    added = added + 1
  end
end
return added
)";

} // namespace asyncfetch::streams::detail
