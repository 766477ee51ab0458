-- Applies a chunk of live updates atomically; see redis-live-writer.ts for the argument layout.
-- Key names mirror liveKeys in @broxiva/realtime-domain (the reader uses that; the tests read back).
-- Idempotent: an event whose seen:<id> key exists is skipped whole, so a redelivery, or the same event
-- handed to two replicas, changes nothing; the script runs atomically, so replicas never interleave.
local base = KEYS[1] .. ':'
local now = tonumber(ARGV[1])
local userTimeout = tonumber(ARGV[2])
local sessionTimeout = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local N = tonumber(ARGV[5])
-- The updates: one JSON array of strings, N per update (one argument, not N per update: building and
-- sending thousands of small arguments cost the writer more than the script costs Redis).
local A = cjson.decode(ARGV[6])
local HOUR = 3600000

-- Expiry instants are on the applier's clock (`now`), which tests move: keys get relative TTLs from it.
local function expireAt(key, at)
  redis.call('PEXPIRE', key, math.max(1, at - now))
end
local expiries = {} -- key -> expiry instant, set once the chunk's writes are done (PEXPIRE needs the key)
local function expireOnce(key, at)
  if expiries[key] == nil then expiries[key] = at end
end
local recent = {} -- zset key -> how long its members stay relevant
-- Set and sorted-set members are gathered per key over the chunk and written with one command per key
-- at the end: far fewer redis.call()s than one per event, which is what a script spends most time on.
local sets = {} -- key -> { member -> true }
local function addOnce(key, member)
  local members = sets[key]
  if members == nil then
    members = {}
    sets[key] = members
  end
  members[member] = true
end
local zsets = {} -- key -> { member -> newest score }
local function touch(key, member, score, keep)
  local members = zsets[key]
  if members == nil then
    members = {}
    zsets[key] = members
    recent[key] = keep
  end
  local old = members[member]
  if old == nil or score > old then members[member] = score end
end
local cardExpiry = {} -- session card key -> expiry instant

local applied = 0
for i = 1, #A, N do
  local id, seenUntil, actor, session = A[i], A[i + 1], A[i + 2], A[i + 3]
  local ts = tonumber(A[i + 4])
  if redis.call('SET', base .. 'seen:' .. id, '1', 'PX', math.max(1, tonumber(seenUntil) - now), 'NX') then
    applied = applied + 1
    local device, region, page, day = A[i + 5], A[i + 6], A[i + 7], A[i + 8]
    local dayExpires = tonumber(A[i + 9])
    -- Numbers that go back into keys or INCRBY stay strings: Lua would print large ones as 1.7e+12.
    local minute = A[i + 10]
    local step, windowStart = A[i + 11], A[i + 12]
    local delta = A[i + 13]
    local cartDelta = tonumber(delta)
    local addedToCart, orderId, revenue = A[i + 14] == '1', A[i + 15], A[i + 16]

    -- who is active, by last-seen
    touch(base .. 'users', actor, ts, userTimeout)
    touch(base .. 'sessions', session, ts, sessionTimeout)
    touch(base .. 'dev:' .. device, actor, ts, userTimeout)
    addOnce(base .. 'devs', device)
    touch(base .. 'reg:' .. region, actor, ts, userTimeout)
    addOnce(base .. 'regs', region)
    local um = base .. 'um:' .. minute
    addOnce(um, actor)
    expireOnce(um, tonumber(minute) + 31 * 60000)

    -- the session's card: one read, one write
    local sk = base .. 's:' .. session
    local card = redis.call('HMGET', sk, 'start', 'last', 'pagets', 'count', 'cart')
    local start, last, pagets = tonumber(card[1]), tonumber(card[2]), tonumber(card[3])
    local update = { 'count', (tonumber(card[4]) or 0) + 1 }
    if cartDelta ~= 0 then
      update[#update + 1] = 'cart'
      update[#update + 1] = (tonumber(card[5]) or 0) + cartDelta
    end
    if start == nil or ts < start then
      update[#update + 1] = 'start'
      update[#update + 1] = ts
    end
    if last == nil or ts >= last then
      update[#update + 1] = 'last'
      update[#update + 1] = ts
      update[#update + 1] = 'user'
      update[#update + 1] = actor
      last = ts
    end
    if page ~= '' and (pagets == nil or ts >= pagets) then
      update[#update + 1] = 'page'
      update[#update + 1] = page
      update[#update + 1] = 'pagets'
      update[#update + 1] = ts
    end
    redis.call('HSET', sk, unpack(update))
    -- From now, not from the event: a card written by an old event must survive until newer ones land.
    local until_ = math.max(last, now) + sessionTimeout
    if (cardExpiry[sk] or 0) < until_ then cardExpiry[sk] = until_ end

    -- the shop day
    local d = base .. 'd:' .. day .. ':'
    addOnce(d .. 'sessions', session)
    expireOnce(d .. 'sessions', dayExpires)
    if cartDelta ~= 0 or addedToCart then
      -- cartsum = sum of carts[s] over s in added, whatever order adds and removes arrive in.
      local net = redis.call('HINCRBY', d .. 'carts', session, delta)
      expireOnce(d .. 'carts', dayExpires)
      if addedToCart and redis.call('SADD', d .. 'added', session) == 1 then
        redis.call('INCRBY', d .. 'cartsum', net)
      elseif redis.call('SISMEMBER', d .. 'added', session) == 1 then
        redis.call('INCRBY', d .. 'cartsum', delta)
      end
      expireOnce(d .. 'added', dayExpires)
      expireOnce(d .. 'cartsum', dayExpires)
    end
    if orderId ~= '' then
      addOnce(d .. 'buyers', session)
      expireOnce(d .. 'buyers', dayExpires)
      if redis.call('SADD', d .. 'orders', orderId) == 1 then
        redis.call('INCRBY', d .. 'revenue', revenue)
        expireOnce(d .. 'revenue', dayExpires)
      end
      expireOnce(d .. 'orders', dayExpires)
    end

    -- the funnel
    if step ~= '' then
      local w = base .. 'fw:' .. windowStart .. ':' .. step
      addOnce(w, session)
      expireOnce(w, tonumber(windowStart) + windowMs + HOUR)
      touch(base .. 'fz:' .. step, session, ts, HOUR + windowMs)
    end
  end
end

for key, members in pairs(sets) do
  local args = {}
  for member in pairs(members) do args[#args + 1] = member end
  redis.call('SADD', key, unpack(args))
end
for key, members in pairs(zsets) do
  local args = { 'GT' }
  for member, score in pairs(members) do
    args[#args + 1] = score
    args[#args + 1] = member
  end
  redis.call('ZADD', key, unpack(args))
end
for key, at in pairs(cardExpiry) do expireAt(key, at) end
for key, at in pairs(expiries) do expireAt(key, at) end

-- Bound every last-seen set: drop members past their timeout, and let the key go once all are.
for key, keep in pairs(recent) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - keep))
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2]
  if newest ~= nil then
    expireAt(key, math.max(now, tonumber(newest)) + keep)
  end
end
return applied
