/**
 * Every process a training check starts, on one leash: the worker and whatever the user's builder
 * spawns (a plain child, a detached one, one that called setsid), however it ends.
 *
 * - Memory: where a memory cgroup is writable (cgroup v1 `memory`, or v2 with the memory controller
 *   delegated), the run gets its own with the cap as its limit: the kernel enforces the total. Else
 *   each process is started with RLIMIT_DATA at the cap (`ulimit -d` in the wrapper shell; children
 *   inherit it): an allocation past it fails. RLIMIT_AS cannot be used: V8 reserves gigabytes of
 *   address space for WebAssembly memories up front. In both cases a watchdog sums the resident
 *   memory of the whole run and stops it past the cap.
 * - Membership: the cgroup's process list, or on Linux a scan of /proc for processes of the
 *   worker's session or group, their descendants (recorded while their parent lives, so one that
 *   detaches and is re-parented stays known), and processes carrying the run's tag in their
 *   environment. Elsewhere, the worker's process group.
 * - reap(): SIGKILL to every member, repeated until none is left (a forking loop cannot outrun it).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

/** The environment variable that tags every process of a run. */
export const RUN_TAG_ENV = 'CONVLENS_RUN';

/** How a run's memory is capped; 'browser': the check ran in the panel's Web Worker, under the browser's own limits. */
export type MemoryCapKind = 'cgroup-v1' | 'cgroup-v2' | 'rlimit-data' | 'watchdog' | 'browser';

interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  start: number;
  zombie: boolean;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]), start: Number(f[19]), zombie: f[0] === 'Z' || f[0] === 'X' };
  } catch {
    return undefined;
  }
}

function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  let names: string[] = [];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const d of names) {
    if (d.charCodeAt(0) < 48 || d.charCodeAt(0) > 57) continue;
    const p = readProc(Number(d));
    if (p) out.push(p);
  }
  return out;
}

function hasTag(pid: number, tag: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${RUN_TAG_ENV}=${tag}`);
  } catch {
    return false;
  }
}

function residentKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// ------------------------------------------------------------------ cgroups

interface Cgroup {
  kind: 'cgroup-v1' | 'cgroup-v2';
  dir: string;
  pids(): number[];
  usageBytes(): number | undefined;
  oomKills(): number;
  /** Removes the cgroup (retried for a few seconds while killed processes leave it). */
  remove(): void;
}

function ownCgroupPath(controller: string): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, ctrls, path] = line.split(':');
      if (ctrls === undefined || path === undefined) continue;
      if (controller === '' ? ctrls === '' : ctrls.split(',').includes(controller)) return path;
    }
  } catch {
    // not Linux
  }
  return undefined;
}

function readInt(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function pidsIn(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Empty cgroups of earlier runs whose supervisor died before removing them (killed with SIGKILL,
 * say): named convlens-<pid>-<tag>, with no process left and that pid gone.
 */
function sweepStale(parent: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^convlens-(\d+)-[0-9a-f]+$/.exec(n);
    if (!m || pidsIn(`${parent}/${n}/cgroup.procs`).length) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // its supervisor still runs: it removes it
    } catch {
      rmdirQuietly(`${parent}/${n}`);
    }
  }
}

/** A fresh memory cgroup below ours, limited to `bytes`; undefined where none can be made. */
function makeCgroup(name: string, bytes: number): Cgroup | undefined {
  if (process.platform !== 'linux' || process.env.CONVLENS_NO_CGROUP === '1') return undefined;
  // v1: the memory hierarchy.
  const v1 = ownCgroupPath('memory');
  if (v1 !== undefined) {
    const dir = `/sys/fs/cgroup/memory${v1 === '/' ? '' : v1}/${name}`;
    sweepStale(dir.slice(0, dir.lastIndexOf('/')));
    try {
      mkdirSync(dir);
      try {
        writeFileSync(`${dir}/memory.limit_in_bytes`, String(bytes));
        // With swap accounting, swap must not be a way around the limit.
        try {
          writeFileSync(`${dir}/memory.memsw.limit_in_bytes`, String(bytes));
        } catch {
          // no swap accounting
        }
        return {
          kind: 'cgroup-v1',
          dir,
          pids: () => pidsIn(`${dir}/cgroup.procs`),
          usageBytes: () => readInt(`${dir}/memory.usage_in_bytes`),
          oomKills: () => Number(/oom_kill (\d+)/.exec(safeRead(`${dir}/memory.oom_control`))?.[1] ?? 0),
          remove: () => removeWhenEmpty(dir),
        };
      } catch {
        rmdirQuietly(dir);
      }
    } catch {
      // not writable
    }
  }
  // v2: a child of our own cgroup, where the memory controller is delegated to it.
  const v2 = ownCgroupPath('');
  for (const mount of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (v2 === undefined) break;
    const parent = `${mount}${v2 === '/' ? '' : v2}`;
    if (!safeRead(`${parent}/cgroup.subtree_control`).split(/\s+/).includes('memory')) continue;
    const dir = `${parent}/${name}`;
    sweepStale(parent);
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    try {
      writeFileSync(`${dir}/memory.max`, String(bytes));
      try {
        writeFileSync(`${dir}/memory.swap.max`, '0');
      } catch {
        // no swap controller
      }
      return {
        kind: 'cgroup-v2',
        dir,
        pids: () => pidsIn(`${dir}/cgroup.procs`),
        usageBytes: () => readInt(`${dir}/memory.current`),
        oomKills: () => Number(/oom_kill (\d+)/.exec(safeRead(`${dir}/memory.events`))?.[1] ?? 0),
        remove: () => removeWhenEmpty(dir),
      };
    } catch {
      rmdirQuietly(dir);
    }
  }
  return undefined;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function rmdirQuietly(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Removes a cgroup once its last processes are gone (killed ones take a moment to leave it). */
function removeWhenEmpty(dir: string, tries = 25): void {
  if (rmdirQuietly(dir) || tries <= 0) return;
  setTimeout(() => removeWhenEmpty(dir, tries - 1), 200).unref();
}

// ------------------------------------------------------------------ the leash

export interface Leash {
  /** The run's tag, also in `env`. */
  readonly tag: string;
  /** How memory is capped (known once attached: joining the cgroup may fail, then the rlimit applies). */
  readonly memoryCap: MemoryCapKind;
  /** Variables for the started process's environment. */
  readonly env: Record<string, string>;
  /** The command that starts `cmd args` on the leash (on Linux a shell that sets the limits, then execs it). */
  command(cmd: string, args: string[]): { cmd: string; args: string[] };
  /** Tell the leash the leader's pid, once started. */
  attach(pid: number): void;
  /** Once the leader runs its own program: check how its memory ended up capped. */
  confirm(): void;
  /** Record the descendants alive now (call it periodically while the run goes on). */
  track(): void;
  /** Live processes of the run. */
  members(): number[];
  /** Resident memory of the whole run, MiB (undefined where it cannot be read). */
  residentMb(): number | undefined;
  /** Whether the kernel killed a process of the run for memory (cgroups only). */
  oomKilled(): boolean;
  /** SIGKILL every process of the run until none is left; returns how many distinct processes were killed. */
  reap(): number;
  /** Reap, then remove the cgroup. */
  dispose(): void;
}

export function createLeash(memoryMb: number): Leash {
  const tag = randomBytes(8).toString('hex');
  const linux = process.platform === 'linux';
  const cgroup = linux ? makeCgroup(`convlens-${process.pid}-${tag}`, Math.round(memoryMb * 1024 * 1024)) : undefined;
  let memoryCap: MemoryCapKind = cgroup ? cgroup.kind : linux ? 'rlimit-data' : 'watchdog';
  let leader: ProcInfo | undefined;
  /** Every process seen in the run: pid → start time (a pid reused by a stranger has another start time). */
  const known = new Map<number, number>();

  const scan = (): ProcInfo[] => {
    if (!linux || !leader) return [];
    const procs = allProcs();
    const byPid = new Map(procs.map((p) => [p.pid, p] as const));
    const members = new Map<number, ProcInfo>();
    const add = (p: ProcInfo) => {
      if (!members.has(p.pid)) members.set(p.pid, p);
    };
    for (const pid of cgroup?.pids() ?? []) {
      const p = byPid.get(pid);
      if (p) add(p);
    }
    for (const p of procs) {
      if (p.pid === leader.pid && p.start === leader.start) add(p);
      else if (known.get(p.pid) === p.start) add(p);
      else if (p.session === leader.pid || p.pgrp === leader.pid) add(p);
      // Started after the run began and carrying its tag: a detached child whose parent is gone.
      else if (p.start >= leader.start && hasTag(p.pid, tag)) add(p);
    }
    // Descendants of members (a child that called setsid while its parent lives).
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of procs)
        if (!members.has(p.pid) && members.has(p.ppid) && p.start >= leader.start) {
          add(p);
          grew = true;
        }
    }
    for (const p of members.values()) known.set(p.pid, p.start);
    return [...members.values()];
  };

  const leash: Leash = {
    tag,
    get memoryCap() {
      return memoryCap;
    },
    env: { [RUN_TAG_ENV]: tag },
    command(cmd, args) {
      if (!linux) return { cmd, args };
      const kb = Math.max(1, Math.round(memoryMb * 1024));
      // $1: the cgroup.procs file to join ('' for none), else $2: the data limit in KiB; then the command.
      const script = 'if [ -n "$1" ] && echo $$ 2>/dev/null > "$1"; then :; else ulimit -d "$2" 2>/dev/null; fi; shift 2; exec "$@"';
      return { cmd: '/bin/sh', args: ['-c', script, 'convlens-leash', cgroup ? `${cgroup.dir}/cgroup.procs` : '', String(kb), cmd, ...args] };
    },
    attach(pid) {
      leader = readProc(pid) ?? { pid, ppid: process.pid, pgrp: pid, session: pid, start: 0, zombie: false };
      known.set(pid, leader.start);
    },
    confirm() {
      // The wrapper joins the cgroup before it execs: if the leader is not in it, the rlimit applied.
      if (cgroup && leader && !cgroup.pids().includes(leader.pid)) memoryCap = 'rlimit-data';
    },
    track() {
      scan();
    },
    members() {
      if (!linux) return leader ? [leader.pid] : [];
      return scan()
        .filter((p) => !p.zombie)
        .map((p) => p.pid);
    },
    residentMb() {
      if (!linux) return undefined;
      const cg = cgroup?.usageBytes();
      if (cg !== undefined) return cg / (1024 * 1024);
      let kb = 0;
      for (const pid of leash.members()) kb += residentKb(pid);
      return kb / 1024;
    },
    oomKilled() {
      return (cgroup?.oomKills() ?? 0) > 0;
    },
    reap() {
      if (!linux) return leader ? killGroup(leader.pid) : 0;
      // Distinct pids: a killed process stays a member until it has died, so it is sent SIGKILL again
      // in later rounds and must not be counted again.
      const killed = new Set<number>();
      for (let round = 0; round < 50; round++) {
        const live = leash.members();
        if (!live.length) break;
        for (const pid of live) if (kill(pid)) killed.add(pid);
        if (leader) killGroup(leader.pid);
      }
      return killed.size;
    },
    dispose() {
      leash.reap();
      cgroup?.remove();
    },
  };
  return leash;
}

function kill(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number): number {
  if (process.platform === 'win32') return 0;
  try {
    process.kill(-pgid, 'SIGKILL');
    return 1;
  } catch {
    return 0;
  }
}

/**
 * For the worker itself when its supervisor is gone: kill every other process carrying this run's
 * tag or in the worker's session (there is no supervisor left to do it). Linux only.
 */
export function reapOwnRun(): void {
  const tag = process.env[RUN_TAG_ENV];
  if (process.platform !== 'linux') return;
  const self = readProc(process.pid);
  // Only a worker that leads its own session (the supervisor starts it detached) may sweep it.
  if (!self || self.session !== process.pid) return;
  for (let round = 0; round < 20; round++) {
    const others = allProcs().filter((p) => p.pid !== process.pid && !p.zombie && (p.session === self.session || (p.start >= self.start && !!tag && hasTag(p.pid, tag))));
    if (!others.length) return;
    for (const p of others) kill(p.pid);
  }
}
