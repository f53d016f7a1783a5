/**
 * The Redis directory's Lua scripts: each one change of shared state, atomic, with its announcement
 * published from inside the script so that every instance sees changes in the order Redis made them.
 * Join and resume results are published to the asking instance's own channel rather than returned: they
 * then reach it on the same connection, in the same order, as the room events and messages around them.
 *
 * Keys (P = the prefix, default "tern:"), each with a TTL so a crashed instance leaves nothing for good:
 *   P i             sorted set: instance id → its last heartbeat (Redis time, ms)
 *   P i:<inst>:p    set: the peer ids an instance holds
 *   P s:<peer>      hash: sec (SHA-256 of the resume secret), own (instance), st (live | dormant)
 *   P pr:<peer>     set: the room names a peer is in
 *   P r:<sha1>      hash: peer id → JSON name, and "#v" a version counter
 *   P q:<peer>      stream: the peer's backlog, entries { m: relayed message JSON }
 * Channels: P c:i:<inst> (an instance's), P c:r:<sha1> (a room's).
 *
 * Peer ids are checked to be 16 hex digits before they reach a key; room names only ever appear hashed.
 * One Redis server (or a primary with replicas): the scripts touch keys they derive, so not Redis Cluster.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: s, i:<inst>:p. ARGV: prefix, peerId, secDigest, inst, ttlMs. */
export const OPEN_SCRIPT = `
redis.call('HSET', KEYS[1], 'sec', ARGV[3], 'own', ARGV[4], 'st', 'live')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 1`;

/** KEYS: s, pr, i:<new>:p, q. ARGV: prefix, peerId, secDigest, newInst, newSecDigest, ttlMs, lastSeq, backlogMax, req. */
export const CLAIM_SCRIPT = `
local p = ARGV[1]
local ch = p .. 'c:i:' .. ARGV[4]
local sec = redis.call('HGET', KEYS[1], 'sec')
if not sec or sec ~= ARGV[3] then
  redis.call('PUBLISH', ch, cjson.encode({t = 'cr', req = ARGV[9], r = 'refused'}))
  return 0
end
local own = redis.call('HGET', KEYS[1], 'own')
local st = redis.call('HGET', KEYS[1], 'st')
redis.call('HSET', KEYS[1], 'sec', ARGV[5], 'own', ARGV[4], 'st', 'live')
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if own and own ~= ARGV[4] then
  redis.call('SREM', p .. 'i:' .. own .. ':p', ARGV[2])
  if st == 'live' then
    redis.call('PUBLISH', p .. 'c:i:' .. own, cjson.encode({t = 'x', peerId = ARGV[2]}))
  end
end
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
local rooms = redis.call('SMEMBERS', KEYS[2])
if #rooms > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
local backlog = redis.call('XRANGE', KEYS[4], '(' .. ARGV[7], '+', 'COUNT', ARGV[8])
if ARGV[7] ~= '0-0' then redis.call('XTRIM', KEYS[4], 'MINID', ARGV[7]) end
redis.call('PUBLISH', ch, cjson.encode({t = 'cr', req = ARGV[9], r = 'resumed', rooms = rooms, backlog = backlog}))
return 1`;

/** KEYS: r, pr. ARGV: prefix, peerId, nameJson, peersPerRoom, roomsPerPeer, ttlMs, room, roomDigest, inst, req. */
export const JOIN_SCRIPT = `
local p = ARGV[1]
local ch = p .. 'c:i:' .. ARGV[9]
local function others()
  local out = {}
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i] ~= '#v' and all[i] ~= ARGV[2] then
      out[#out + 1] = {peerId = all[i], name = cjson.decode(all[i + 1])}
    end
  end
  return out
end
local function reply(r, peers)
  redis.call('PUBLISH', ch, cjson.encode({t = 'jr', req = ARGV[10], r = r, peers = peers}))
end
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then
  reply('already', others())
  return 1
end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[5]) then
  reply('many', nil)
  return 0
end
local n = redis.call('HLEN', KEYS[1])
if redis.call('HEXISTS', KEYS[1], '#v') == 1 then n = n - 1 end
if n >= tonumber(ARGV[4]) then
  reply('full', nil)
  return 0
end
local peers = others()
local v = redis.call('HINCRBY', KEYS[1], '#v', 1)
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('SADD', KEYS[2], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
reply('ok', peers)
redis.call('PUBLISH', p .. 'c:r:' .. ARGV[8],
  cjson.encode({t = 'j', room = ARGV[7], peer = {peerId = ARGV[2], name = cjson.decode(ARGV[3])}, v = v}))
return 1`;

/** KEYS: r, pr. ARGV: prefix, peerId, room, roomDigest, reason. */
export const LEAVE_SCRIPT = `
if redis.call('HDEL', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[3])
local v = redis.call('HINCRBY', KEYS[1], '#v', 1)
if redis.call('HLEN', KEYS[1]) <= 1 then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[1] .. 'c:r:' .. ARGV[4],
  cjson.encode({t = 'l', room = ARGV[3], peerId = ARGV[2], reason = ARGV[5], v = v}))
return 1`;

/** KEYS: r, s:<to>, q:<to>. ARGV: prefix, to, messageJson, backlogMax, ttlMs. */
export const DELIVER_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 then return 0 end
local id = redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[4], '*', 'm', ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
local own = redis.call('HGET', KEYS[2], 'own')
if own then
  redis.call('PUBLISH', ARGV[1] .. 'c:i:' .. own,
    '{"t":"m","to":"' .. ARGV[2] .. '","seq":"' .. id .. '","msg":' .. ARGV[3] .. '}')
end
return 1`;

/** KEYS: s, q, i:<inst>:p. ARGV: prefix, peerId, inst, graceMs. */
export const RELEASE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'own') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'st', 'dormant')
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[4])))
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 1`;

/** A room member written back after Redis lost it (resync). KEYS: r, pr. ARGV: peerId, nameJson, room, ttlMs. */
export const RESTORE_MEMBER_SCRIPT = `
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

/** KEYS: i, i:<inst>:p. ARGV: inst, ttlMs. Returns Redis's time. */
export const HEARTBEAT_SCRIPT = `
${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return now`;

/**
 * Peers of instances silent for longer than ARGV[2] ms (their heartbeat timeout plus the resume grace, so
 * their clients had the grace to resume elsewhere) leave their rooms, announced with reason "timeout".
 * KEYS: i. ARGV: prefix, silentMs, self. Returns how many peers were reaped.
 */
export const REAP_SCRIPT = `
${NOW}
local p = ARGV[1]
local reaped = 0
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))) do
  if inst ~= ARGV[3] then
    local peersKey = p .. 'i:' .. inst .. ':p'
    for _, peer in ipairs(redis.call('SMEMBERS', peersKey)) do
      local s = p .. 's:' .. peer
      if redis.call('HGET', s, 'own') == inst then
        local prk = p .. 'pr:' .. peer
        for _, room in ipairs(redis.call('SMEMBERS', prk)) do
          local h = redis.sha1hex(room)
          local rk = p .. 'r:' .. h
          if redis.call('HDEL', rk, peer) == 1 then
            local v = redis.call('HINCRBY', rk, '#v', 1)
            if redis.call('HLEN', rk) <= 1 then redis.call('DEL', rk) end
            redis.call('PUBLISH', p .. 'c:r:' .. h,
              cjson.encode({t = 'l', room = room, peerId = peer, reason = 'timeout', v = v}))
          end
        end
        redis.call('DEL', s, prk, p .. 'q:' .. peer)
        reaped = reaped + 1
      end
    end
    redis.call('DEL', peersKey)
    redis.call('ZREM', KEYS[1], inst)
  end
end
return reaped`;
