package org.nimbus.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nimbus.registry.ErrorCodes;
import org.nimbus.registry.RegistryException;
import org.nimbus.registry.RegistryStore;

/**
 * The registry store several nodes share, in Redis (key layout in docs/cluster.md). Every
 * check-then-act step is one Lua script, so two nodes never both take the last free name or the
 * same guest name. A connection ID counts only while its node's heartbeat key lives: a node
 * that dies stops refreshing it, and from the moment it expires its names, registrations and
 * subscriptions are invisible to every node; {@link #reap} then deletes them and says which
 * names went offline. Redis unreachable: every call throws {@link ErrorCodes#CLUSTER_UNAVAILABLE}.
 * Not thread-safe beyond what the registry's lock gives (the local registration count).
 */
public final class RedisRegistryStore implements RegistryStore {
    static final String PREFIX = "nimbus:";

    /** Shared helpers: whether a member's node is alive (its heartbeat key exists), cached per call. */
    private static final String LIB = """
            local P = 'nimbus:'
            local alive_cache = {}
            local function alive(member)
              local node = string.match(member, '^(.*)/%d+$')
              if node == nil then return false end
              local a = alive_cache[node]
              if a == nil then
                a = redis.call('EXISTS', P .. 'node:' .. node) == 1
                alive_cache[node] = a
              end
              return a
            end
            local function live_members(set)
              local out = {}
              for _, m in ipairs(redis.call('SMEMBERS', set)) do
                if alive(m) then out[#out + 1] = m end
              end
              return out
            end
            local function live_regs(key)
              local n = 0
              for _, m in ipairs(redis.call('ZRANGE', P .. 'regs:' .. key, 0, -1)) do
                if alive(m) then n = n + 1 end
              end
              return n
            end
            local function ref(node, key, by)
              local n = redis.call('HINCRBY', P .. 'refs:' .. node, key, by)
              if n <= 0 then redis.call('HDEL', P .. 'refs:' .. node, key) end
            end
            """;

    /** ARGV: key, connection, guest (0/1), exclusive (0/1), max names, node. */
    private static final String HOLD = LIB + """
            local key, conn, guest, excl, max, node = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
            local h = P .. 'holders:' .. key
            local held = #live_members(h) > 0
            if held and excl == '1' then return 'TAKEN' end
            if not held then
              local names = redis.call('SCARD', P .. 'names:a') + redis.call('SCARD', P .. 'names:g')
              if names >= max and redis.call('SISMEMBER', P .. 'names:a', key) == 0
                  and redis.call('SISMEMBER', P .. 'names:g', key) == 0 then
                return 'FULL'
              end
            end
            if redis.call('SADD', h, conn) == 1 then ref(node, key, 1) end
            if held then return 'JOINED' end
            redis.call('SADD', P .. (guest == '1' and 'names:g' or 'names:a'), key)
            return 'NEW'
            """;

    /** ARGV: key, connection, node. 1 when no live holder remains. */
    private static final String RELEASE = LIB + """
            local key, conn, node = ARGV[1], ARGV[2], ARGV[3]
            local h = P .. 'holders:' .. key
            if redis.call('SREM', h, conn) == 0 then return 0 end
            ref(node, key, -1)
            if redis.call('SCARD', h) == 0 then
              redis.call('SREM', P .. 'names:a', key)
              redis.call('SREM', P .. 'names:g', key)
            end
            if #live_members(h) == 0 then return 1 end
            return 0
            """;

    /** ARGV: key. */
    private static final String IS_HELD = LIB + """
            return #live_members(P .. 'holders:' .. ARGV[1])
            """;

    /** ARGV: key, connection, value, node. Returns {was offline, added}. */
    private static final String REGISTER = LIB + """
            local key, conn, value, node = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            local offline = live_regs(key) == 0
            local seq = redis.call('INCR', P .. 'seq')
            local added = redis.call('ZADD', P .. 'regs:' .. key, seq, conn)
            redis.call('HSET', P .. 'reg:' .. key, conn, value)
            if added == 1 then ref(node, key, 1) end
            return {offline and 1 or 0, added}
            """;

    /** ARGV: key, connection, node. Returns {went offline, removed}. */
    private static final String UNREGISTER = LIB + """
            local key, conn, node = ARGV[1], ARGV[2], ARGV[3]
            if redis.call('ZREM', P .. 'regs:' .. key, conn) == 0 then return {0, 0} end
            redis.call('HDEL', P .. 'reg:' .. key, conn)
            ref(node, key, -1)
            return {live_regs(key) == 0 and 1 or 0, 1}
            """;

    /** ARGV: key. Returns connection, value, ... newest first, live nodes only. */
    private static final String REGISTRATIONS = LIB + """
            local key = ARGV[1]
            local out = {}
            for _, m in ipairs(redis.call('ZREVRANGE', P .. 'regs:' .. key, 0, -1)) do
              if alive(m) then
                local v = redis.call('HGET', P .. 'reg:' .. key, m)
                if v then
                  out[#out + 1] = m
                  out[#out + 1] = v
                end
              end
            end
            return out
            """;

    /** ARGV: key, connection, node, 1 to follow or 0 to stop. */
    private static final String SUBSCRIBE = LIB + """
            local key, conn, node, on = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            local s = P .. 'subs:' .. key
            if on == '1' then
              if redis.call('SADD', s, conn) == 1 then ref(node, key, 1) end
            else
              if redis.call('SREM', s, conn) == 1 then ref(node, key, -1) end
            end
            return 0
            """;

    /** ARGV: key. */
    private static final String SUBSCRIBERS = LIB + """
            return live_members(P .. 'subs:' .. ARGV[1])
            """;

    /**
     * ARGV: node, force (1: even while its heartbeat lives: this node's own leftovers at start).
     * Deletes everything of a node whose heartbeat expired; returns the names that went offline
     * with it (no registration left at all), each once.
     */
    private static final String REAP = LIB + """
            local node, force = ARGV[1], ARGV[2]
            if force ~= '1' and redis.call('EXISTS', P .. 'node:' .. node) == 1 then return {} end
            local mine = '^' .. string.gsub(node, '[%-%.]', '%%%0') .. '/%d+$'
            local gone = {}
            for _, key in ipairs(redis.call('HKEYS', P .. 'refs:' .. node)) do
              local h = P .. 'holders:' .. key
              for _, m in ipairs(redis.call('SMEMBERS', h)) do
                if string.match(m, mine) then redis.call('SREM', h, m) end
              end
              if redis.call('SCARD', h) == 0 then
                redis.call('SREM', P .. 'names:a', key)
                redis.call('SREM', P .. 'names:g', key)
              end
              local z, hr = P .. 'regs:' .. key, P .. 'reg:' .. key
              local name = nil
              for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do
                if string.match(m, mine) then
                  local v = redis.call('HGET', hr, m)
                  if v then name = string.sub(v, string.find(v, '|', 1, true) + 1) end
                  redis.call('ZREM', z, m)
                  redis.call('HDEL', hr, m)
                end
              end
              if name and redis.call('ZCARD', z) == 0 then gone[#gone + 1] = name end
              local s = P .. 'subs:' .. key
              for _, m in ipairs(redis.call('SMEMBERS', s)) do
                if string.match(m, mine) then redis.call('SREM', s, m) end
              end
            end
            redis.call('DEL', P .. 'refs:' .. node)
            redis.call('SREM', P .. 'nodes', node)
            return gone
            """;

    private final RedisCommands<String, String> redis;
    private final String node;
    private final Map<String, String> shas = new ConcurrentHashMap<>();
    private int registrationCount;

    public RedisRegistryStore(RedisCommands<String, String> redis, String node) {
        this.redis = redis;
        this.node = node;
    }

    /** Runs a script by its SHA1, loading it first (and again after a Redis restart flushed it). */
    @SuppressWarnings("unchecked")
    private <T> T run(String script, ScriptOutputType type, String... args) {
        try {
            String sha = shas.computeIfAbsent(script, redis::scriptLoad);
            try {
                return (T) redis.evalsha(sha, type, new String[0], args);
            } catch (RedisNoScriptException e) {
                shas.put(script, redis.scriptLoad(script));
                return (T) redis.evalsha(shas.get(script), type, new String[0], args);
            }
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    static RegistryException unavailable(RuntimeException e) {
        return new RegistryException(ErrorCodes.CLUSTER_UNAVAILABLE,
                "the shared registry (Redis) cannot be reached: " + e.getMessage());
    }

    private static String encode(Registration r) {
        return (r.legacy() ? "l" : "c") + (r.peerId() == null ? "" : r.peerId()) + "|" + r.name();
    }

    private static Registration decode(String connection, String value) {
        int bar = value.indexOf('|');
        String peerId = value.substring(1, bar);
        return new Registration(ConnectionId.parse(connection), value.substring(bar + 1),
                peerId.isEmpty() ? null : peerId, value.charAt(0) == 'l');
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public Hold hold(String key, ConnectionId connection, boolean guest, boolean exclusive, int maxNames) {
        String r = run(HOLD, ScriptOutputType.STATUS, key, connection.text(), guest ? "1" : "0", exclusive ? "1" : "0",
                Integer.toString(maxNames), node);
        return Hold.valueOf(r);
    }

    @Override
    public boolean release(String key, ConnectionId connection) {
        long r = run(RELEASE, ScriptOutputType.INTEGER, key, connection.text(), node);
        return r == 1;
    }

    @Override
    public boolean isHeld(String key) {
        long r = run(IS_HELD, ScriptOutputType.INTEGER, key);
        return r > 0;
    }

    @Override
    public boolean register(String key, Registration registration) {
        List<Long> r = run(REGISTER, ScriptOutputType.MULTI, key, registration.connection().text(), encode(registration),
                node);
        if (r.get(1) == 1) {
            registrationCount++;
        }
        return r.get(0) == 1;
    }

    @Override
    public boolean unregister(String key, ConnectionId connection) {
        List<Long> r = run(UNREGISTER, ScriptOutputType.MULTI, key, connection.text(), node);
        if (r.get(1) == 1) {
            registrationCount--;
        }
        return r.get(0) == 1;
    }

    @Override
    public List<Registration> registrations(String key) {
        List<String> r = run(REGISTRATIONS, ScriptOutputType.MULTI, key);
        List<Registration> out = new ArrayList<>(r.size() / 2);
        for (int i = 0; i + 1 < r.size(); i += 2) {
            out.add(decode(r.get(i), r.get(i + 1)));
        }
        return out;
    }

    @Override
    public void subscribe(String key, ConnectionId connection) {
        run(SUBSCRIBE, ScriptOutputType.INTEGER, key, connection.text(), node, "1");
    }

    @Override
    public void unsubscribe(String key, ConnectionId connection) {
        run(SUBSCRIBE, ScriptOutputType.INTEGER, key, connection.text(), node, "0");
    }

    @Override
    public List<ConnectionId> subscribers(String key) {
        List<String> r = run(SUBSCRIBERS, ScriptOutputType.MULTI, key);
        return r.stream().map(ConnectionId::parse).toList();
    }

    @Override
    public int registrationCount() {
        return registrationCount;
    }

    @Override
    public int names(boolean guest) {
        try {
            return Math.toIntExact(redis.scard(PREFIX + (guest ? "names:g" : "names:a")));
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /**
     * Writes this node's heartbeat (value: its advertised addresses), alive for ttlMillis, and
     * lists it among the nodes; true when the key was missing before (first beat, a Redis
     * restart, or this node was declared dead): the caller then republishes what it holds.
     */
    public boolean heartbeat(String advertise, long ttlMillis) {
        try {
            redis.sadd(PREFIX + "nodes", node);
            return redis.setGet(PREFIX + "node:" + node, advertise, SetArgs.Builder.px(ttlMillis)) == null;
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** Deletes the heartbeat: this node leaves now rather than when it expires. */
    public void leave() {
        try {
            redis.del(PREFIX + "node:" + node);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** The nodes that ever beat and were not reaped. */
    public List<String> nodes() {
        try {
            return List.copyOf(redis.smembers(PREFIX + "nodes"));
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** Deletes what a dead node left (nothing while its heartbeat lives); returns the names that went offline. */
    public List<String> reap(String deadNode) {
        return run(REAP, ScriptOutputType.MULTI, deadNode, "0");
    }

    /** Deletes what this node left in Redis from before (a crash and a quick restart, or a lost Redis link). */
    public List<String> forgetOwn() {
        registrationCount = 0;
        return run(REAP, ScriptOutputType.MULTI, node, "1");
    }
}
