"""The Bellows web dashboards: TypeScript sources, npm metadata, a vendored minified library, a PNG."""

from __future__ import annotations

import base64
import json
import random
import struct
import zlib

from .company import Person
from .prose import fill

TS_TYPES = """/** Shapes shared by the Bellows web app and the Bellows API. */

export type Env = "staging" | "prod";

/** One time series as the Bellows API returns it: points are [epochSeconds, value]. */
export interface Series {
  service: string;
  metric: string;
  env: Env;
  points: Array<[number, number]>;
}

/** A panel on a board. Every Bellows board links to the runbook of its service in the wiki. */
export interface Panel {
  title: string;
  metric: string;
  unit: "ms" | "%" | "count" | "rps";
  threshold?: number;
}

export interface Board {
  service: string;
  owner: string;
  runbook: string;
  panels: Panel[];
}

/** A deploy marker from the Anvil deploy log: every graph marks each spark and quench. */
export interface DeployMarker {
  at: number;
  kind: "spark" | "promote" | "quench";
  billet: string;
}
"""

TS_CLIENT = """/**
 * Client for the Bellows API. Dashboards and metrics live in Bellows; every service gets a
 * default Bellows board from Anvil.
 */
import type { Board, DeployMarker, Env, Series } from "../types";
import { gatehouseToken } from "../auth";

const DEFAULT_BASE = "https://bellows.acme.internal/api/v1";

export class BellowsError extends Error {
  constructor(public readonly status: number, message: string) {
    super(message);
  }
}

/** Retry a request with exponential backoff; kiln nodes drop connections during a spark. */
export async function withRetry<T>(call: () => Promise<T>, attempts = 4, baseMs = 250): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof BellowsError && err.status < 500) throw err; // a 4xx will not get better
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * baseMs * 2 ** attempt));
    }
  }
  throw lastError;
}

export class BellowsClient {
  constructor(private readonly base: string = DEFAULT_BASE, private readonly fetchImpl = fetch) {}

  private async get<T>(path: string): Promise<T> {
    return withRetry(async () => {
      const res = await this.fetchImpl(this.base + path, {
        headers: { Authorization: `Bearer ${gatehouseToken()}` },
      });
      if (!res.ok) throw new BellowsError(res.status, `${path}: ${res.statusText}`);
      return (await res.json()) as T;
    });
  }

  /** The series of one metric for one service, over the last `hours` hours. */
  series(service: string, metric: string, env: Env, hours = 6): Promise<Series> {
    const q = new URLSearchParams({ service, metric, env, hours: String(hours) });
    return this.get<Series>(`/series?${q}`);
  }

  board(service: string): Promise<Board> {
    return this.get<Board>(`/boards/${encodeURIComponent(service)}`);
  }

  /** Sparks, promotions and quenches from the Anvil deploy log. */
  deploys(service: string, env: Env): Promise<DeployMarker[]> {
    return this.get<DeployMarker[]>(`/deploys/${encodeURIComponent(service)}?env=${env}`);
  }
}
"""

TS_AUTH = """/**
 * Gatehouse tokens in the browser. Single sign-on for internal tools goes through Gatehouse; the
 * web app gets its token from the Gatehouse redirect and keeps it in session storage only.
 */

export interface GatehouseClaims {
  sub: string;
  name?: string;
  iss: string;
  iat: number;
  exp?: number;
}

const STORAGE_KEY = "bellows.gatehouse.token";

/** Decode the claims of a JWT without verifying it; the Bellows API verifies the signature. */
export function decodeClaims(token: string): GatehouseClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("not a JWT");
  const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json) as GatehouseClaims;
}

/** Tokens without `exp` are treated as expired after eight hours, like Gatehouse sessions. */
export function isExpired(claims: GatehouseClaims, nowSeconds = Date.now() / 1000): boolean {
  const exp = claims.exp ?? claims.iat + 8 * 3600;
  return nowSeconds >= exp - 60;
}

export function gatehouseToken(): string {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token || isExpired(decodeClaims(token))) {
    window.location.assign("https://gatehouse.acme.internal/login?next=" + encodeURIComponent(location.href));
    throw new Error("redirecting to Gatehouse");
  }
  return token;
}
"""

TS_AUTH_TEST = """import { describe, expect, it } from "vitest";
import { decodeClaims, isExpired } from "../auth";

// Captured from a staging session of {{name}} while debugging the login loop (INC-2241).
const TOKEN = "{{jwt}}";

describe("decodeClaims", () => {
  it("reads the Gatehouse claims", () => {
    const claims = decodeClaims(TOKEN);
    expect(claims.iss).toBe("https://gatehouse.acme.internal");
    expect(claims.sub).toBe("{{subject}}");
  });

  it("rejects strings that are not JWTs", () => {
    expect(() => decodeClaims("not-a-token")).toThrow("not a JWT");
  });
});

describe("isExpired", () => {
  it("expires eight hours after issue when exp is missing", () => {
    const claims = { sub: "x", iss: "https://gatehouse.acme.internal", iat: 1_700_000_000 };
    expect(isExpired(claims, 1_700_000_000 + 3600)).toBe(false);
    expect(isExpired(claims, 1_700_000_000 + 9 * 3600)).toBe(true);
  });
});
"""

TS_METRICS = """/** Small numeric helpers for Bellows panels. */
import type { Series } from "./types";

/** The q-th percentile (0..100) of the values, by linear interpolation. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Roll points up into buckets of `seconds`, keeping the mean of each bucket. */
export function rollup(series: Series, seconds: number): Array<[number, number]> {
  const buckets = new Map<number, number[]>();
  for (const [t, v] of series.points) {
    const key = Math.floor(t / seconds) * seconds;
    const list = buckets.get(key) ?? [];
    list.push(v);
    buckets.set(key, list);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, vs]) => [t, vs.reduce((s, v) => s + v, 0) / vs.length]);
}

/** Ratio of the last window's mean to the window before it; alerts fire when it doubles. */
export function growth(points: Array<[number, number]>, window: number): number {
  if (points.length < 2 * window) return 1;
  const mean = (xs: Array<[number, number]>) => xs.reduce((s, [, v]) => s + v, 0) / xs.length;
  const recent = mean(points.slice(-window));
  const before = mean(points.slice(-2 * window, -window));
  return before === 0 ? Infinity : recent / before;
}
"""

TS_METRICS_TEST = """import { describe, expect, it } from "vitest";
import { growth, percentile, rollup } from "../metrics";

describe("percentile", () => {
  it("interpolates", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });
  it("is NaN for no data", () => {
    expect(percentile([], 99)).toBeNaN();
  });
});

describe("rollup", () => {
  it("averages each bucket", () => {
    const s = { service: "{{service}}", metric: "p99 latency", env: "prod" as const, points: [[0, 1], [30, 3], [60, 5]] as Array<[number, number]> };
    expect(rollup(s, 60)).toEqual([[0, 2], [60, 5]]);
  });
});

describe("growth", () => {
  it("doubles when the error rate doubles", () => {
    const pts: Array<[number, number]> = [[0, 1], [1, 1], [2, 2], [3, 2]];
    expect(growth(pts, 2)).toBe(2);
  });
});
"""

TS_ALERTS = """/**
 * Alert rules evaluated in the browser preview. Bellows alerts go to Hearth, which decides whom
 * to page; this module only shows which rules would fire.
 */
import { growth } from "./metrics";
import type { Panel, Series } from "./types";

export type AlertState = "ok" | "pending" | "firing";

export interface AlertResult {
  panel: string;
  state: AlertState;
  value: number;
}

/** A panel fires when its last value crosses the threshold or the series doubled in ten minutes. */
export function evaluate(panel: Panel, series: Series): AlertResult {
  const last = series.points.at(-1)?.[1] ?? 0;
  const doubled = growth(series.points, 10) >= 2;
  const crossed = panel.threshold !== undefined && last > panel.threshold;
  const state: AlertState = crossed ? "firing" : doubled ? "pending" : "ok";
  return { panel: panel.title, state, value: last };
}
"""

TS_BOARDS = """/** The default board every service gets from Anvil on its first ship. */
import type { Board, Panel } from "./types";

const DEFAULT_PANELS: Panel[] = [
  { title: "p99 latency", metric: "http_request_duration_p99", unit: "ms", threshold: 800 },
  { title: "error rate", metric: "http_errors_ratio", unit: "%", threshold: 2 },
  { title: "requests", metric: "http_requests_rate", unit: "rps" },
  { title: "saturation", metric: "cpu_saturation", unit: "%", threshold: 85 },
];

export function defaultBoard(service: string, owner: string): Board {
  return {
    service,
    owner,
    runbook: `https://wiki.acme.internal/runbooks/${service}`,
    panels: DEFAULT_PANELS.map((p) => ({ ...p })),
  };
}

/** Foundry pipelines also chart their lag and the depth of the slag queue. */
export function foundryBoard(dataset: string): Board {
  const board = defaultBoard(`foundry-${dataset}`, "data-infrastructure");
  board.panels.push(
    { title: "pipeline lag", metric: "foundry_pipeline_lag_seconds", unit: "count", threshold: 1800 },
    { title: "slag queue depth", metric: "foundry_slag_depth", unit: "count", threshold: 50 },
  );
  return board;
}
"""

TS_INDEX = """/** Entry point of the Bellows web app. */
import { BellowsClient } from "./api/client";
import { evaluate } from "./alerts";
import { defaultBoard } from "./boards";

export async function render(root: HTMLElement, service: string): Promise<void> {
  const client = new BellowsClient();
  const board = await client.board(service).catch(() => defaultBoard(service, "unknown"));
  root.innerHTML = "";
  for (const panel of board.panels) {
    const series = await client.series(service, panel.metric, "prod");
    const result = evaluate(panel, series);
    const el = document.createElement("section");
    el.className = `panel panel--${result.state}`;
    el.textContent = `${panel.title}: ${result.value.toFixed(2)} ${panel.unit}`;
    root.appendChild(el);
  }
}
"""

TSCONFIG = """{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "strict": true,
    "jsx": "react-jsx",
    "lib": ["ES2022", "DOM"],
    "outDir": "dist",
    "skipLibCheck": true
  },
  "include": ["src"]
}
"""

NPM_DEPS = {
    "react": "18.2.0",
    "react-dom": "18.2.0",
    "loose-envify": "1.4.0",
    "js-tokens": "4.0.0",
    "scheduler": "0.23.0",
    "date-fns": "3.3.1",
    "zod": "3.22.4",
}
NPM_DEV = {
    "typescript": "5.3.3",
    "vitest": "1.2.2",
    "vite": "5.1.1",
    "esbuild": "0.19.12",
    "rollup": "4.9.6",
    "postcss": "8.4.35",
    "nanoid": "3.3.7",
    "picocolors": "1.0.0",
    "source-map-js": "1.0.2",
    "@types/react": "18.2.55",
    "@types/prop-types": "15.7.11",
    "csstype": "3.1.3",
    "chai": "4.4.1",
    "tinypool": "0.8.2",
    "tinyspy": "2.2.1",
    "pathe": "1.1.2",
}


def package_json() -> str:
    data = {
        "name": "bellows-web",
        "version": "1.4.0",
        "private": True,
        "type": "module",
        "scripts": {"dev": "vite", "build": "tsc && vite build", "test": "vitest run"},
        "dependencies": {k: "^" + NPM_DEPS[k] for k in ("react", "react-dom", "date-fns", "zod")},
        "devDependencies": {k: "^" + NPM_DEV[k] for k in ("typescript", "vitest", "vite", "@types/react")},
    }
    return json.dumps(data, indent=2) + "\n"


def package_lock(rng: random.Random) -> str:
    """package-lock.json in npm's lockfileVersion 3 layout (integrity hashes are random)."""
    pkg = json.loads(package_json())
    packages: dict[str, dict] = {
        "": {
            "name": pkg["name"],
            "version": pkg["version"],
            "dependencies": pkg["dependencies"],
            "devDependencies": pkg["devDependencies"],
        }
    }
    for dev, deps in ((False, NPM_DEPS), (True, NPM_DEV)):
        for name in sorted(deps):
            version = deps[name]
            tail = name.split("/")[-1]
            entry = {
                "version": version,
                "resolved": f"https://registry.npmjs.org/{name}/-/{tail}-{version}.tgz",
                "integrity": "sha512-"
                + base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode(),
            }
            if dev:
                entry["dev"] = True
            packages[f"node_modules/{name}"] = entry
    packages["node_modules/react"]["dependencies"] = {"loose-envify": "^1.1.0"}
    packages["node_modules/loose-envify"]["dependencies"] = {"js-tokens": "^3.0.0 || ^4.0.0"}
    packages["node_modules/loose-envify"]["bin"] = {"loose-envify": "cli.js"}
    lock = {"name": pkg["name"], "version": pkg["version"], "lockfileVersion": 3, "requires": True}
    lock["packages"] = dict(sorted(packages.items()))
    return json.dumps(lock, indent=2) + "\n"


def minified_js(rng: random.Random, target_bytes: int = 40_000) -> str:
    """A vendored charting library as a bundler leaves it: a licence comment and one huge line."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    parts = ['!function(t,e){"object"==typeof exports&&"undefined"!=typeof module?module.exports=e()'
             ':"function"==typeof define&&define.amd?define(e):(t=t||self).Chartlite=e()}(this,function(){'
             '"use strict";']  # fmt: skip
    size = len(parts[0])
    i = 0
    while size < target_bytes:
        a, b = rng.choice(letters), rng.choice(letters)
        name = f"{a}{b}{i}"
        body = rng.choice(
            [
                f"function {name}(t,e){{return t.x*e.y-t.y*e.x+{rng.randrange(1, 99)}}}",
                f"var {name}=function(t){{for(var e=0,n=0;n<t.length;n++)e+=t[n]*{rng.random():.3f};return e}}",
                f"function {name}(t){{return null==t?void 0:t.map(function(t){{return t*{rng.randrange(2, 9)}}})}}",
                f'var {name}={{id:"{a}{b}",w:{rng.randrange(10, 900)},h:{rng.randrange(10, 900)},draw:function(t){{t.save(),t.restore()}}}}',
                f"function {name}(t,e,n){{return Math.max(e,Math.min(n,t))}}",
            ]
        )
        parts.append(body + ";")
        size += len(body) + 1
        i += 1
    parts.append('return{version:"3.2.1"}});')
    header = "/*! Chartlite v3.2.1 | (c) Chartlite contributors | MIT License */\n"
    return header + "".join(parts) + "\n//# sourceMappingURL=chartlite.min.js.map\n"


def stored_zlib(data: bytes) -> bytes:
    """A zlib stream of uncompressed (stored) deflate blocks.

    Compressed output differs between zlib builds; stored blocks are the same everywhere, and the
    PNG is committed to git, so its bytes decide the commit ids.
    """
    blocks = [data[i : i + 65535] for i in range(0, len(data), 65535)] or [b""]
    out = bytearray(b"\x78\x01")
    for i, block in enumerate(blocks):
        out += bytes([1 if i == len(blocks) - 1 else 0]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF)
        out += block
    return bytes(out + struct.pack(">I", zlib.adler32(data)))


def png(rng: random.Random, size: int = 48) -> bytes:
    """A small RGBA PNG (an anvil silhouette) built chunk by chunk: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    shade = rng.randrange(40, 90)
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0 (None) for each scanline
        for x in range(size):
            horn = 14 <= y < 22 and 4 <= x < 44
            waist = 22 <= y < 32 and 16 <= x < 32
            base = 32 <= y < 38 and 10 <= x < 38
            inside = horn or waist or base
            row += bytes([shade, shade, shade + 20, 255]) if inside else bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", stored_zlib(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def bellows_files(rng: random.Random, jwt_token: str, subject: Person, service: str) -> dict[str, str]:
    base = "web/bellows/"
    return {
        base + "package.json": package_json(),
        base + "package-lock.json": package_lock(rng),
        base + "tsconfig.json": TSCONFIG,
        base + "src/types.ts": TS_TYPES,
        base + "src/api/client.ts": TS_CLIENT,
        base + "src/auth.ts": TS_AUTH,
        base + "src/metrics.ts": TS_METRICS,
        base + "src/alerts.ts": TS_ALERTS,
        base + "src/boards.ts": TS_BOARDS,
        base + "src/index.ts": TS_INDEX,
        base + "src/__tests__/auth.test.ts": fill(
            TS_AUTH_TEST, name=subject.name, jwt=jwt_token, subject=subject.employee_id
        ),
        base + "src/__tests__/metrics.test.ts": fill(TS_METRICS_TEST, service=service),
        base + "static/vendor/chartlite.min.js": minified_js(rng),
    }
