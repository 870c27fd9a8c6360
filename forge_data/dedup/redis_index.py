"""A dedup index in Redis, shared by workers that deduplicate different partitions at once.

Banded signatures live in Redis: one set per (band, fingerprint) bucket holding entry ids,
one hash per entry (kept record, cluster, signature), and one key per exact-text digest.
Each batch cluster is resolved by one Lua script, which Redis runs atomically: it looks the
cluster's members up (exact keys, then band buckets with signature verification) and, only if
nothing matches, inserts them under the cluster's kept record. Because look-up and claim are
one step, two workers can never both keep members of one near-duplicate cluster: whichever
script runs second sees the first one's entries.

Scripts touch keys they compute from their arguments, which a single Redis server (or a
replicated primary) allows; Redis Cluster would need every key in one hash slot, which the
``{namespace}`` hash tag in every key name provides.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from forge_data.dedup.index import ClusterProbe, IndexParams, Match
from forge_data.dedup.signatures import band_fingerprints

_RESOLVE = """
local ns, need, verify = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local bands, keeper, cluster = tonumber(ARGV[4]), ARGV[5], ARGV[6]
local m, P = tonumber(ARGV[7]), tonumber(ARGV[8])
local base, stride = 9, 4 + bands
for i = 0, m - 1 do
  local o = base + i * stride
  local e = redis.call('GET', ns .. ':x:' .. ARGV[o + 1])
  if e then
    local info = redis.call('HMGET', ns .. ':e:' .. e, 'k', 'c')
    return {'exact', info[1], info[2], ARGV[o + 1]}
  end
end
for i = 0, m - 1 do
  local o = base + i * stride
  if ARGV[o + 2] == '1' then
    local sig, seen = ARGV[o + 3], {}
    for j = 0, bands - 1 do
      for _, e in ipairs(redis.call('SMEMBERS', ns .. ':b:' .. j .. ':' .. ARGV[o + 4 + j])) do
        if not seen[e] then
          seen[e] = true
          local info = redis.call('HMGET', ns .. ':e:' .. e, 'k', 'c', 's')
          local ok = true
          if verify then
            local other, eq = info[3], 0
            for p = 1, P * 4, 4 do
              if string.sub(sig, p, p + 3) == string.sub(other, p, p + 3) then eq = eq + 1 end
            end
            ok = eq >= need
          end
          if ok then return {'near', info[1], info[2], ''} end
        end
      end
    end
  end
end
for i = 0, m - 1 do
  local o = base + i * stride
  local id = ARGV[o]
  redis.call('SET', ns .. ':x:' .. ARGV[o + 1], id, 'NX')
  redis.call('HSET', ns .. ':e:' .. id, 'k', keeper, 'c', cluster, 's', ARGV[o + 3])
  redis.call('INCR', ns .. ':n')
  if ARGV[o + 2] == '1' then
    for j = 0, bands - 1 do
      redis.call('SADD', ns .. ':b:' .. j .. ':' .. ARGV[o + 4 + j], id)
    end
  end
end
return {'new'}
"""


class RedisIndex:
    """The :class:`~forge_data.dedup.index.LshIndex` interface over a Redis server.

    ``client`` is a ``redis.Redis`` or a URL. ``namespace`` separates indexes on one server.
    """

    def __init__(self, client: Any, params: IndexParams, namespace: str = "forge-dedup", batch: int = 256):
        import redis

        self.redis = redis.Redis.from_url(client) if isinstance(client, str) else client
        self.params = params
        self.ns = "{" + namespace + "}"
        self.batch = batch
        self._script = self.redis.register_script(_RESOLVE)
        meta = json.dumps(params.__dict__, sort_keys=True)
        self.redis.set(f"{self.ns}:meta", meta, nx=True)
        stored = IndexParams(**json.loads(self.redis.get(f"{self.ns}:meta")))
        stored.check(params)

    @classmethod
    def for_config(cls, client: Any, cfg, namespace: str = "forge-dedup") -> RedisIndex:
        """An index for data deduplicated with ``cfg`` (a ``DedupConfig``)."""
        from forge_data.dedup.pipeline import index_params

        return cls(client, index_params(cfg), namespace)

    @classmethod
    def from_settings(cls, cfg, env: Mapping[str, str] | None = None) -> RedisIndex:
        """The index ``cfg.shared_index`` (a ``DedupConfig``'s, from forge.yaml) names; URL from the environment."""
        shared = cfg.shared_index
        if shared is None:
            raise ValueError("curation.dedup.shared_index is not configured")
        url = (os.environ if env is None else env).get(shared.url_env)
        if not url:
            raise ValueError(
                f"curation.dedup.shared_index: the environment variable {shared.url_env} is not set"
            )
        return cls.for_config(url, cfg, shared.namespace)

    def __len__(self) -> int:
        return int(self.redis.get(f"{self.ns}:n") or 0)

    def _args(self, probe: ClusterProbe, threshold: float, verify: bool) -> list[Any]:
        p = self.params
        fps = band_fingerprints(probe.sigs, p.bands, p.rows)
        args: list[Any] = [
            self.ns,
            math.ceil(threshold * p.num_perm - 1e-9),
            int(verify),
            p.bands,
            probe.keeper_id,
            probe.cluster_id,
            len(probe.ids),
            p.num_perm,
        ]
        for k, member in enumerate(probe.ids):
            args += [member, probe.exact_keys[k].hex(), int(bool(probe.valid[k]))]
            args.append(np.ascontiguousarray(probe.sigs[k], dtype=np.uint32).tobytes())
            args += [format(int(v), "x") for v in fps[k]]
        return args

    def resolve(
        self, probes: list[ClusterProbe], threshold: float, verify: bool = True
    ) -> list[Match | None]:
        """Resolve each cluster atomically (see the module doc), pipelined in batches."""
        out: list[Match | None] = []
        for lo in range(0, len(probes), self.batch):
            pipe = self.redis.pipeline(transaction=False)
            for probe in probes[lo : lo + self.batch]:
                self._script(keys=[], args=self._args(probe, threshold, verify), client=pipe)
            for reply in pipe.execute():
                kind = reply[0].decode() if isinstance(reply[0], bytes) else reply[0]
                if kind == "new":
                    out.append(None)
                    continue
                keeper, cluster = (v.decode() if isinstance(v, bytes) else v for v in reply[1:3])
                key = bytes.fromhex(reply[3].decode() if isinstance(reply[3], bytes) else reply[3])
                out.append(Match(keeper, cluster, kind, key or None))
        return out

    def clear(self) -> int:
        """Delete this namespace's keys; returns how many."""
        keys = list(self.redis.scan_iter(match=f"{self.ns}:*", count=1000))
        for lo in range(0, len(keys), 1000):
            self.redis.delete(*keys[lo : lo + 1000])
        return len(keys)
